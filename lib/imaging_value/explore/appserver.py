"""The Voila server behind ``make app``: Voila, plus what a shared local web app needs to stay up all day.

* **Loopback ``Host`` only.** Every Jupyter handler rejects (403) a request whose
  ``Host`` header is not ``localhost`` or a loopback address, so a web page the user
  visits cannot drive the app through DNS rebinding (Voila itself allows any host).
* **Only a page view starts a kernel.** The notebook's address answers a person
  opening it: a top-level navigation (``Sec-Fetch-Dest: document``) that they typed,
  bookmarked or reloaded, or that came from the app itself (``Sec-Fetch-Site`` none or
  same-origin), with no query string (a query string is redirected to the bare
  address; Voila would let one pick another template and bypass the pre-heated
  kernel). An image, frame, script or fetch, a navigation started by another site
  (another port of this machine included: ``same-site``), and a browser's prefetch
  get a short page saying so (HTTP 403) and no kernel (:func:`page_view_refusal`).
* **Kernels live as long as their page.** A page's kernel is shut down the moment its
  last websocket connection closes (the tab closed or reloaded; :class:`PageConnection`),
  and a kernel handed to a page that has not opened its websocket ``connect_timeout``
  seconds after the page was sent is shut down too. The pre-heated spare kernel is
  never shut down this way: it is not a page's until a page takes it.
* **A cap on open pages.** At most ``max_pages`` pages hold a kernel at once (pages
  being served count; the spare does not). A page past the cap waits a moment for a
  place (a reload's old page closes just after its new one asks), then gets a short
  page (HTTP 503, ``Retry-After``) saying how many pages are open and when to retry.
* **The served notebook is trusted** for this run, in memory (a signature database
  of ``:memory:`` and a random key), so nothing is written to the user's Jupyter
  folder and the server does not log "Notebook ... is not trusted".

Run by :mod:`imaging_value.explore.app`: ``python -m imaging_value.explore.appserver NOTEBOOK [voila options]``.
"""

from __future__ import annotations

import asyncio
import os
import sys
import time
from typing import Any

import jinja2
import nbformat
from jupyter_core.utils import ensure_async
from jupyter_server.services.kernels.connection.base import BaseKernelWebsocketConnection
from jupyter_server.services.kernels.connection.channels import ZMQChannelsWebsocketConnection
from jupyter_server.utils import url_path_join
from tornado.ioloop import IOLoop
from traitlets import Float, Integer, Type
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from ..core.layout import package_path
from .app import CONNECT_TIMEOUT, MAX_PAGES

__all__ = [
    "ExplorerVoila",
    "CappedVoilaHandler",
    "PageConnection",
    "PageKernels",
    "page_view_refusal",
    "PAGES_SETTING",
    "ROOM_WAIT",
    "main",
]

PAGES_SETTING = "imaging_value_pages"  # the server's PageKernels, in the tornado settings
ROOM_WAIT = 3.0  # seconds a page past the cap waits for a place before it is told the explorer is busy
_TEMPLATES = jinja2.Environment(loader=jinja2.FileSystemLoader(package_path("templates", "app")), autoescape=True)
BUSY = _TEMPLATES.get_template("busy.html.j2")
REFUSED = _TEMPLATES.get_template("refused.html.j2")


def page_view_refusal(method: str, headers: Any) -> str | None:
    """Why a request for the notebook's page is not a person opening it (None: it is a page view).

    ``headers`` is the request's header mapping (case-insensitive, as tornado's). Browsers send the
    ``Sec-Fetch-*`` headers on every request; a client that sends none (a script on this machine)
    is let through, and its kernel, never connected, is shut down after the connect timeout.
    """
    if method != "GET":
        return f"a {method} request"
    purpose = f"{headers.get('Sec-Purpose', '')} {headers.get('Purpose', '')}".lower()
    if "prefetch" in purpose or "prerender" in purpose:
        return "the browser fetching the page ahead of a visit"
    dest = headers.get("Sec-Fetch-Dest")
    if dest is not None and dest != "document":
        return f"the page loaded as {'an' if dest[:1] in 'aeiou' else 'a'} {dest} inside another page"
    site = headers.get("Sec-Fetch-Site")
    if site is not None and site not in ("none", "same-origin"):
        return "a link or script on another web page" + (" of this machine" if site == "same-site" else "")
    return None


class PageKernels:
    """The kernels handed to pages, and the page requests being served: what the cap counts, what is shut down.

    ``manager`` is the server's kernel manager; ``limit`` the most pages at once (0: no cap);
    ``connect_timeout`` how long after a page is sent its kernel waits for the page's websocket.
    """

    def __init__(self, manager: Any, limit: int, connect_timeout: float, log: Any):
        self.manager, self.limit, self.connect_timeout, self.log = manager, int(limit), float(connect_timeout), log
        self.serving = 0  # page requests admitted that have no kernel yet
        self.kernels: set[str] = set()  # kernels handed to a page and still alive
        self.opened: set[str] = set()  # of those, the kernels whose page has asked for its websocket
        self.shut_down: list[tuple[str, str]] = []  # (kernel id, why), for the log and the tests

    def live(self) -> int:
        """Pages holding (or being given) a kernel now."""
        self.kernels = {k for k in self.kernels if k in self.manager}
        self.opened &= self.kernels
        return self.serving + len(self.kernels)

    def full(self) -> bool:
        """True while every page allowed is open (never with no cap)."""
        return self.limit > 0 and self.live() >= self.limit

    async def room(self, wait: float = ROOM_WAIT) -> bool:
        """True once there is room for one more page; False if there is none after ``wait`` seconds."""
        deadline = time.monotonic() + wait
        while self.full():
            if time.monotonic() >= deadline:
                return False
            await asyncio.sleep(0.1)
        return True

    def handed(self, kernel_id: str) -> None:
        """A page request was given this kernel."""
        self.serving -= 1
        self.kernels.add(kernel_id)

    def sent(self, kernel_id: str | None) -> None:
        """The page went out (or failed): its kernel must see the page's websocket within the connect timeout."""
        if kernel_id is None:
            self.serving -= 1
            return
        IOLoop.current().call_later(self.connect_timeout, lambda: self._check_opened(kernel_id))

    def opening(self, kernel_id: str) -> None:
        """The page asked for its kernel's websocket."""
        if kernel_id in self.kernels:
            self.opened.add(kernel_id)

    def connections(self, kernel_id: str) -> int | None:
        """Open websocket connections to the kernel (None: no such kernel)."""
        if kernel_id not in self.manager:
            return None
        try:
            return int(self.manager.kernel_model(kernel_id)["connections"])
        except Exception:  # ended meanwhile
            return None

    def closed(self, kernel_id: str) -> None:
        """A websocket of the kernel closed: a page's kernel with no connection left is shut down now."""
        if kernel_id in self.kernels and self.connections(kernel_id) == 0:
            self._shut_down(kernel_id, "its page closed")

    def _check_opened(self, kernel_id: str) -> None:
        if kernel_id in self.kernels and kernel_id not in self.opened and self.connections(kernel_id) == 0:
            self._shut_down(kernel_id, f"its page did not connect within {self.connect_timeout:g} s")

    def _shut_down(self, kernel_id: str, why: str) -> None:
        self.kernels.discard(kernel_id)
        self.opened.discard(kernel_id)
        self.shut_down.append((kernel_id, why))
        self.log.info("Shutting down kernel %s: %s", kernel_id, why)

        async def shut() -> None:
            try:
                await ensure_async(self.manager.shutdown_kernel(kernel_id))
            except Exception as exc:  # already gone
                self.log.debug("Kernel %s was already shut down: %s", kernel_id, exc)

        asyncio.ensure_future(shut())


class PageConnection(ZMQChannelsWebsocketConnection):
    """A page's websocket to its kernel: the kernel is shut down once its page's last connection closes."""

    @property
    def pages(self) -> PageKernels | None:
        """The app's page ledger (None when Voila runs without the cap)."""
        return self.websocket_handler.settings.get(PAGES_SETTING)

    async def prepare(self) -> None:
        """Note that the page has opened its kernel's websocket, then connect."""
        if self.pages is not None:
            self.pages.opening(self.kernel_id)
        await super().prepare()

    def disconnect(self) -> None:
        """Disconnect, and shut the kernel down if this was its page's last connection."""
        super().disconnect()
        if self.pages is not None:
            self.pages.closed(self.kernel_id)


class _PageRequest:
    """The kernel manager as one page request uses it: notes the kernel it hands the page (spare or new)."""

    def __init__(self, manager: Any, pages: PageKernels):
        self._manager, self._pages = manager, pages
        self.kernel_id: str | None = None

    def __getattr__(self, name: str) -> Any:
        return getattr(self._manager, name)

    def __contains__(self, kernel_id: str) -> bool:
        return kernel_id in self._manager

    def _handed(self, kernel_id: str) -> None:
        if self.kernel_id is None:
            self.kernel_id = kernel_id
            self._pages.handed(kernel_id)

    async def get_rendered_notebook(self, *args: Any, **kwargs: Any) -> Any:
        render_task, rendered, kernel_id = await self._manager.get_rendered_notebook(*args, **kwargs)
        self._handed(kernel_id)
        return render_task, rendered, kernel_id

    async def start_kernel(self, *args: Any, **kwargs: Any) -> str:
        kernel_id = await ensure_async(self._manager.start_kernel(*args, **kwargs))
        self._handed(kernel_id)
        return kernel_id


class CappedVoilaHandler(TornadoVoilaHandler):
    """The notebook page: only for a page view (403 otherwise), and while there is room (503 otherwise)."""

    _page_request: _PageRequest | None = None

    @property
    def kernel_manager(self) -> Any:
        """The kernel manager, as this page request sees it (noting the kernel it is given)."""
        return self._page_request if self._page_request is not None else self.settings["kernel_manager"]

    def _explain(self, status: int, template: jinja2.Template, **values: Any) -> None:
        self.set_status(status)
        self.set_header("Content-Type", "text/html; charset=utf-8")
        self.set_header("Cache-Control", "no-store")
        self.finish(template.render(**values))

    async def get(self, path=None):
        """The notebook page; a refusal (403) for what is not a page view; the busy page (503) at the cap."""
        pages: PageKernels | None = self.settings.get(PAGES_SETTING)
        if path or pages is None:  # a file beside the notebook: Voila redirects it, no kernel
            return await super().get(path)
        address = self.request.protocol + "://" + self.request.host + self.base_url
        why = page_view_refusal(self.request.method or "", self.request.headers)
        if why is not None:
            self.log.warning("Not a page view (%s): no kernel started for %s", why, self.request.uri)
            self._explain(403, REFUSED, reason=why, address=address)
            return
        if self.request.query:
            self.redirect(url_path_join(self.base_url, path or ""), status=303)
            return
        if not await pages.room():
            live = pages.live()
            self.log.warning("Page cap reached (%d of %d open): page refused", live, pages.limit)
            self.set_header("Retry-After", str(int(pages.connect_timeout)))
            self._explain(503, BUSY, live=live, limit=pages.limit, retry=int(pages.connect_timeout))
            return
        pages.serving += 1
        request = self._page_request = _PageRequest(self.settings["kernel_manager"], pages)
        try:
            return await super().get(path)
        finally:
            self._page_request = None
            pages.sent(request.kernel_id)


class ExplorerVoila(Voila):
    """Voila with loopback-only ``Host`` headers, kernels that live as long as their page, a cap on open pages,
    and the served notebook trusted."""

    name = "voila"  # keep Voila's configuration names and files
    max_pages = Integer(MAX_PAGES, config=True, help="Most pages open at once (each with its kernel); 0 for no cap.")
    connect_timeout = Float(
        CONNECT_TIMEOUT,
        config=True,
        help="Seconds after a page is sent within which it must open its kernel's websocket, else the kernel "
        "is shut down.",
    )
    kernel_websocket_connection_class = Type(
        default_value=PageConnection,
        klass=BaseKernelWebsocketConnection,
        config=True,
        help="The kernel websocket connection class: a page's kernel ends with its page.",
    )

    def init_settings(self):
        """Voila's settings, with loopback-only hosts, the kernel cap and the served notebook trusted in memory."""
        self.config.NotebookNotary.db_file = ":memory:"
        self.config.NotebookNotary.secret = os.urandom(64)
        settings = super().init_settings()
        settings["allow_remote_access"] = False  # Voila sets True: check the Host header of every request
        settings["local_hostnames"] = ["localhost"]
        settings[PAGES_SETTING] = PageKernels(self.kernel_manager, self.max_pages, self.connect_timeout, self.log)
        if self.notebook_path:
            self.contents_manager.notary.sign(nbformat.read(self.notebook_path, as_version=4))
        return settings

    def init_handlers(self):
        """Voila's handlers, the notebook page's replaced by :class:`CappedVoilaHandler`."""
        return [
            (pattern, CappedVoilaHandler if handler is TornadoVoilaHandler else handler, *rest)
            for pattern, handler, *rest in super().init_handlers()
        ]


def main(argv: list[str] | None = None) -> None:
    """Run the server with ``argv`` (default: ``sys.argv[1:]``): the notebook, then Voila options."""
    ExplorerVoila.launch_instance(argv if argv is not None else sys.argv[1:])


if __name__ == "__main__":
    main()
