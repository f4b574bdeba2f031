"""The Voila server behind ``make app``: Voila, plus three things a shared local web app needs.

* **Loopback ``Host`` only.** Every Jupyter handler rejects (403) a request whose
  ``Host`` header is not ``localhost`` or a loopback address, so a web page the user
  visits cannot drive the app through DNS rebinding (Voila itself allows any host).
* **A cap on live kernels.** Every page view runs its own kernel; once
  ``--ExplorerVoila.max_kernels`` kernels are alive (the spare one included), a new
  page gets a short page saying so (HTTP 503) instead of another kernel.
* **The served notebook is trusted** for this run, in memory (a signature database
  of ``:memory:`` and a random key), so nothing is written to the user's Jupyter
  folder and the server does not log "Notebook ... is not trusted".

Run by :mod:`imaging_value.explore.app`: ``python -m imaging_value.explore.appserver NOTEBOOK [voila options]``.
"""

from __future__ import annotations

import os
import sys

import jinja2
import nbformat
from traitlets import Integer
from voila.app import Voila
from voila.tornado.handler import TornadoVoilaHandler

from ..core.layout import package_path
from .app import CULL_IDLE_TIMEOUT, MAX_KERNELS

__all__ = ["ExplorerVoila", "CappedVoilaHandler", "main"]

BUSY = jinja2.Environment(
    loader=jinja2.FileSystemLoader(package_path("templates", "app")), autoescape=True
).get_template("busy.html.j2")


class CappedVoilaHandler(TornadoVoilaHandler):
    """The notebook page, refused with a clear page (503) while the kernel cap is reached."""

    async def get(self, path=None):
        """The notebook page, or the busy page (503) when a new page would pass the kernel cap."""
        limit = self.settings.get("imaging_value_max_kernels", 0)
        live = len(self.kernel_manager.list_kernel_ids())
        if not path and limit and live >= limit:
            self.log.warning("Kernel cap reached (%d of %d live): page refused", live, limit)
            self.set_status(503)
            self.set_header("Content-Type", "text/html; charset=utf-8")
            self.set_header("Retry-After", "60")
            cull = self.settings.get("imaging_value_cull_minutes", CULL_IDLE_TIMEOUT // 60)
            self.finish(BUSY.render(live=live, limit=limit, idle_minutes=cull))
            return
        return await super().get(path)


class ExplorerVoila(Voila):
    """Voila with loopback-only ``Host`` headers, a cap on live kernels and the served notebook trusted."""

    name = "voila"  # keep Voila's configuration names and files
    max_kernels = Integer(
        MAX_KERNELS, config=True, help="Most kernels alive at once, the pre-heated one included; 0 for no cap."
    )

    def init_settings(self):
        """Voila's settings, with loopback-only hosts, the kernel cap and the served notebook trusted in memory."""
        self.config.NotebookNotary.db_file = ":memory:"
        self.config.NotebookNotary.secret = os.urandom(64)
        settings = super().init_settings()
        settings["allow_remote_access"] = False  # Voila sets True: check the Host header of every request
        settings["local_hostnames"] = ["localhost"]
        settings["imaging_value_max_kernels"] = int(self.max_kernels)
        cull = self.config.get("MappingKernelManager", {}).get("cull_idle_timeout", CULL_IDLE_TIMEOUT)
        settings["imaging_value_cull_minutes"] = max(1, int(cull) // 60)
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
