// The explorer's charts in the local web app: plotly's FigureWidget, its front-end code imported once per
// page from the app's own server (BUNDLE, the bundle's path under Voila's base URL, is defined above), and
// drawn one chart at a time: the chart nearest the top of the screen first, then the next once it is drawn.
// Drawn all together, every chart's drawing interleaved with every other's and the first appeared only when
// the last did. Each chart's later redraws are plotly's own, at once.
const base = new URL(document.body.dataset.baseUrl || "./", window.location.href);
const bundle = await import(new URL(BUNDLE, base).href);
const queue = window.__imagingValueCharts || (window.__imagingValueCharts = { waiting: [], busy: false });

function distance(el) {
  // charts on screen first (top to bottom), then the rest by how far they are from it
  const box = el.getBoundingClientRect();
  const onScreen = box.bottom > 0 && box.top < window.innerHeight;
  return onScreen ? box.top - 1e7 : Math.abs(box.top);
}

function drawNext() {
  if (queue.busy) return;
  queue.waiting = queue.waiting.filter((entry) => !entry.removed);
  if (queue.waiting.length === 0) return;
  queue.waiting.sort((a, b) => distance(a.el) - distance(b.el));
  const entry = queue.waiting.shift();
  queue.busy = true;
  let finished = false;
  const finish = () => {
    if (finished) return;
    finished = true;
    document.removeEventListener("plotlywidget-after-render", drawn);
    queue.busy = false;
    setTimeout(drawNext, 0); // let the browser paint the chart before the next one starts
  };
  const drawn = (event) => {
    if (event.detail && event.detail.element === entry.el) finish();
  };
  document.addEventListener("plotlywidget-after-render", drawn);
  setTimeout(finish, 2000); // never hold the other charts back for long
  try {
    entry.cleanup = entry.draw();
  } catch (error) {
    console.error(error);
    finish();
  }
}

export default () => {
  const widget = bundle.default();
  return {
    initialize: (context) => widget.initialize(context),
    render: (context) => {
      const entry = { el: context.el, removed: false, cleanup: null, draw: () => widget.render(context) };
      queue.waiting.push(entry);
      setTimeout(drawNext, 0); // once the views made with this one are waiting too, so the nearest goes first
      return () => {
        entry.removed = true;
        if (typeof entry.cleanup === "function") entry.cleanup();
      };
    },
  };
};
