// The browser's camera for a kernel that may run elsewhere: getUserMedia -> canvas -> JPEG frames to the kernel
// (binary comm buffers, one frame in flight, as fast as the kernel answers up to `fps`) -> annotated frames back.

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
  let capturedAt = 0;
  let ready = null; // the next frame, captured and encoded while the previous one was in flight
  let seq = 0;
  let sent = 0;
  let received = 0;
  let roundTrip = 0;
  let startedAt = 0;
  let receivedAtStart = 0;
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
    const since = received - receivedAtStart;
    const rate = stream && since ? (1000 * since) / (performance.now() - startedAt) : 0;
    el.dataset.rate = rate.toFixed(1);
    status.textContent = stream
      ? `sent ${sent} · annotated ${received} (${rate.toFixed(1)}/s) · round trip ${roundTrip.toFixed(0)} ms`
        + ` · kernel ${kernel.toFixed(0)} ms`
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
    receivedAtStart = received;
    startedAt = performance.now();
    showStatus();
    schedule(0);
  }

  function stop() {
    clearTimeout(timer);
    timer = null;
    if (stream) stream.getTracks().forEach((track) => track.stop());
    stream = null;
    inFlight = false;
    ready = null;
    setRunning(false);
    showStatus();
  }

  // Frames go out as fast as the kernel answers, at most `fps` a second: the next one is sent when the
  // previous answer arrives (or 1/fps after the previous capture began, if that is later). While a frame is in
  // flight the next one is already captured and JPEG-encoded (20-30 ms in a browser without GPU), so that work
  // overlaps the kernel's instead of adding to every round trip; the kernel still gets one frame at a time, never
  // a backlog, and the frame it gets is at most one round trip old. A frame unanswered for 3 s is given up and a
  // new one sent, so a lost message cannot stall the stream.
  const interval = () => 1000 / Math.max(1, model.get("fps"));

  function schedule(delay) {
    clearTimeout(timer);
    timer = setTimeout(tick, Math.max(0, delay));
  }

  async function tick() {
    if (!stream) return;
    const waited = performance.now() - sentAt;
    if (inFlight && waited < 3000) {
      schedule(3000 - waited);
      return;
    }
    const sentOne = await sendFrame();
    if (stream) schedule(sentOne ? 3000 : interval());
  }

  async function capture() {
    if (video.readyState < 2) return null;
    const at = performance.now();
    const width = model.get("width");
    const height = model.get("height");
    canvas.width = width;
    canvas.height = height;
    canvas.getContext("2d").drawImage(video, 0, 0, width, height);
    const blob = await new Promise((resolve) => canvas.toBlob(resolve, "image/jpeg", model.get("quality")));
    return blob ? { buffer: await blob.arrayBuffer(), at } : null;
  }

  async function prepare(forSeq) {
    const frame = await capture();
    if (stream && seq === forSeq) ready = frame; // not once a newer frame went out meanwhile
  }

  async function sendFrame() {
    const frame = ready || (await capture());
    ready = null;
    if (!frame || !stream) return false;
    capturedAt = frame.at;
    inFlight = true;
    sentAt = performance.now();
    seq += 1;
    sent += 1;
    model.send({ type: "frame", seq, time_ms: sentAt - t0 }, undefined, [frame.buffer]);
    showStatus();
    prepare(seq);
    return true;
  }

  function next() {
    inFlight = false;
    if (stream) schedule(interval() - (performance.now() - capturedAt));
  }

  function onMessage(msg, buffers) {
    if (msg.type === "annotated" && buffers && buffers.length) {
      const url = URL.createObjectURL(new Blob([buffers[0]], { type: "image/jpeg" }));
      view.onload = () => URL.revokeObjectURL(url);
      view.src = url;
      received += 1;
      roundTrip = performance.now() - sentAt;
      showStatus();
      next();
    } else if (msg.type === "failed") {
      next();
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
