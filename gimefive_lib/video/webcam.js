// The browser's camera for a kernel that may run elsewhere: getUserMedia -> canvas -> JPEG frames to the kernel
// (binary comm buffers, at most one frame in flight, at the chosen rate) -> annotated JPEG frames shown back.

function describeError(err) {
  const name = (err && err.name) || "Error";
  if (name === "NotAllowedError" || name === "SecurityError") return "camera permission denied";
  if (name === "NotFoundError" || name === "OverconstrainedError") return "no camera found";
  if (name === "NotReadableError") return "the camera is in use by another program";
  return `camera error: ${name}: ${(err && err.message) || err}`;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text) node.textContent = text;
  return node;
}

function render({ model, el }) {
  el.classList.add("gimefive-webcam");
  const controls = element("div", "gw-controls");
  const startButton = element("button", "gw-start", "Start camera");
  const stopButton = element("button", "gw-stop", "Stop");
  const rate = element("input", "gw-fps");
  Object.assign(rate, { type: "range", min: "1", max: "30", step: "1", value: String(model.get("fps")) });
  const rateLabel = element("span", "gw-fps-label");
  const status = element("span", "gw-status", "stopped");
  const errorBox = element("div", "gw-error");
  const view = element("img", "gw-view");
  view.alt = "annotated camera frames appear here";
  const video = element("video", "gw-video");
  Object.assign(video, { muted: true, playsInline: true, autoplay: true });
  const canvas = element("canvas");
  controls.append(startButton, stopButton, rate, rateLabel, status);
  el.append(controls, errorBox, view);

  let stream = null;
  let timer = null;
  let inFlight = false;
  let sentAt = 0;
  let seq = 0;
  let sent = 0;
  let received = 0;
  let roundTrip = 0;
  const t0 = performance.now();

  const showRate = () => { rateLabel.textContent = `${model.get("fps")} frames/s`; };
  const showError = () => {
    const message = model.get("error");
    errorBox.textContent = message;
    errorBox.style.display = message ? "block" : "none";
    el.dataset.error = message;
  };
  const showStatus = () => {
    const kernel = model.get("processing_ms");
    status.textContent = stream
      ? `sent ${sent} · annotated ${received} · round trip ${roundTrip.toFixed(0)} ms · kernel ${kernel.toFixed(0)} ms`
      : `stopped (sent ${sent}, annotated ${received})`;
    el.dataset.sent = String(sent);
    el.dataset.received = String(received);
  };

  function setRunning(value) {
    if (model.get("running") !== value) {
      model.set("running", value);
      model.save_changes();
    }
  }

  function fail(message) {
    stop();
    model.set("error", message);
    model.save_changes();
    showError();
  }

  async function start() {
    if (stream) return;
    if (!navigator.mediaDevices || !navigator.mediaDevices.getUserMedia) {
      fail("this page has no camera access (browsers allow it only over https or on localhost)");
      return;
    }
    try {
      const constraints = { video: { width: model.get("width"), height: model.get("height") }, audio: false };
      stream = await navigator.mediaDevices.getUserMedia(constraints);
    } catch (err) {
      stream = null;
      fail(describeError(err));
      return;
    }
    if (model.get("error")) {
      model.set("error", "");
      model.save_changes();
      showError();
    }
    video.srcObject = stream;
    try {
      await video.play();
    } catch (err) {
      fail(describeError(err));
      return;
    }
    setRunning(true);
    showStatus();
    schedule();
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    inFlight = false;
    setRunning(false);
    showStatus();
  }

  function schedule() {
    timer = setTimeout(tick, 1000 / Math.max(1, model.get("fps")));
  }

  async function tick() {
    if (!stream) return;
    // One frame in flight at a time: a slow kernel lowers the rate instead of building a queue.
    if (!inFlight || performance.now() - sentAt > 3000) await sendFrame();
    if (stream) schedule();
  }

  async function sendFrame() {
    if (video.readyState < 2) return;
    const width = model.get("width");
    const height = model.get("height");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", model.get("quality")));
    if (!blob || !stream) return;
    const buffer = await blob.arrayBuffer();
    inFlight = true;
    sentAt = performance.now();
    seq += 1;
    sent += 1;
    model.send({ type: "frame", seq, time_ms: sentAt - t0 }, undefined, [buffer]);
    showStatus();
  }

  function onMessage(msg, buffers) {
    if (msg.type === "annotated" && buffers && buffers.length) {
      const url = URL.createObjectURL(new Blob([buffers[0]], { type: "image/jpeg" }));
      view.onload = () => URL.revokeObjectURL(url);
      view.src = url;
      received += 1;
      roundTrip = performance.now() - sentAt;
      inFlight = false;
      showStatus();
    } else if (msg.type === "failed") {
      inFlight = false;
    }
  }

  const onRunning = () => (model.get("running") ? start() : stop());
  const onRate = () => { rate.value = String(model.get("fps")); showRate(); };
  model.on("msg:custom", onMessage);
  model.on("change:error", showError);
  model.on("change:running", onRunning);
  model.on("change:fps", onRate);
  model.on("change:processing_ms", showStatus);
  startButton.addEventListener("click", start);
  stopButton.addEventListener("click", stop);
  rate.addEventListener("input", () => {
    model.set("fps", Number(rate.value));
    model.save_changes();
    showRate();
  });
  showRate();
  showError();
  showStatus();
  if (model.get("running")) start();

  return () => {
    stop();
    model.off("msg:custom", onMessage);
    model.off("change:error", showError);
    model.off("change:running", onRunning);
    model.off("change:fps", onRate);
    model.off("change:processing_ms", showStatus);
  };
}

export default { render };
