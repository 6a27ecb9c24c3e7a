// armsledger web: the few things that need a script. Every page reads without it.
"use strict";

// Plotly figures: each <div class="plot" data-figure="ID"> draws the JSON in <script id="ID">.
function drawFigures() {
  if (typeof Plotly === "undefined") return;
  document.querySelectorAll("div.plot[data-figure]").forEach(function (div) {
    var source = document.getElementById(div.dataset.figure);
    if (!source) return;
    var fig = JSON.parse(source.textContent);
    div.innerHTML = "";
    div.classList.add("drawn");
    Plotly.newPlot(div, fig.data, fig.layout || {}, { displaylogo: false, responsive: true });
  });
}

// An ingest job's page: poll its progress until it ends, then show the outcome.
function pollJob() {
  var box = document.getElementById("job");
  if (!box || box.dataset.state === "done" || box.dataset.state === "failed") return;
  var timer = setInterval(function () {
    fetch("/api/jobs/" + encodeURIComponent(box.dataset.job), { credentials: "same-origin" })
      .then(function (r) { return r.json(); })
      .then(function (job) {
        box.dataset.state = job.state;
        document.getElementById("job-state").textContent = job.state;
        document.getElementById("job-read").textContent = job.read;
        var bar = box.querySelector(".progress[aria-valuemax] span");
        if (bar && job.total) {
          bar.style.width = Math.min(100, Math.round(100 * job.read / job.total)) + "%";
        }
        if (job.state === "done" || job.state === "failed") {
          clearInterval(timer);
          window.location.reload();
        }
      })
      .catch(function () { /* the next tick tries again */ });
  }, 800);
}

document.addEventListener("DOMContentLoaded", function () {
  drawFigures();
  pollJob();
});
