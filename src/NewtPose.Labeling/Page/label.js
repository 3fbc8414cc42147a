// NewtPose keypoint correction page. Plain JS, no dependencies. Everything is kept in the photo's own upright pixels
// (the frame of the labels); the view maps them to the screen as screen = photo * scale + offset.
'use strict';

const token = document.querySelector('meta[name="newtpose-token"]').content;
const SVG = 'http://www.w3.org/2000/svg';
const COLOURS = { left: '#3b82f6', right: '#f97316', centre: '#22c55e' };
const SIDES = [256, 512, 1024, 2048, 4096, 8192, 16384];
const $ = id => document.getElementById(id);

let dataset = null;          // /api/dataset: keypoints, edges, sides, photos, output, lowScore
let photo = null;            // /api/photos/{id}: the photo being corrected, edited in place
let selected = null;         // { n, k }: instance and keypoint index
let view = { scale: 1, ox: 0, oy: 0, fit: 1 };
let loadedSide = 0;          // longest side of the photo pixels on screen now
let showNames = true;
let mouse = null;            // last pointer position over the view, in screen px
let drag = null;             // a point or the background being dragged
const undoStack = [];
let pendingSaves = 0;
let saveChain = Promise.resolve();

function api(path, options) {
  return fetch(path, Object.assign({}, options, { headers: Object.assign({ 'X-NewtPose-Token': token }, (options || {}).headers) }));
}
const imageUrl = (id, side) => `api/photos/${id}/image?max=${side}&token=${token}`;

// ---- view ----

function fit() {
  const box = $('view').getBoundingClientRect();
  view.fit = Math.min(box.width / photo.width, box.height / photo.height) * 0.96;
  view.scale = view.fit;
  view.ox = (box.width - photo.width * view.scale) / 2;
  view.oy = (box.height - photo.height * view.scale) / 2;
  ensureResolution();
  render();
}

function zoomAt(sx, sy, factor) {
  const scale = Math.min(Math.max(view.scale * factor, view.fit / 4), 32);
  const px = (sx - view.ox) / view.scale, py = (sy - view.oy) / view.scale;
  view.scale = scale;
  view.ox = sx - px * scale;
  view.oy = sy - py * scale;
  ensureResolution();
  render();
}

// Asks for the photo at the resolution the view needs (one of a few sizes, so the browser cache serves revisits).
function ensureResolution() {
  const full = Math.max(photo.width, photo.height);
  const need = full * view.scale * (window.devicePixelRatio || 1);
  let side = SIDES.find(s => s >= need) || SIDES[SIDES.length - 1];
  side = Math.min(side, full);
  if (side <= loadedSide) return;
  const id = photo.id, img = new Image();
  img.onload = () => {
    if (!photo || photo.id !== id || side <= loadedSide) return;
    loadedSide = side;
    $('photo').setAttribute('href', img.src);
    document.body.dataset.imageSide = String(side);
  };
  img.onerror = () => { if (photo && photo.id === id) message(`the photo file of ${photo.file} could not be loaded.`); };
  img.src = imageUrl(id, side);
}

const toScreen = p => ({ x: p.x * view.scale + view.ox, y: p.y * view.scale + view.oy });

function render() {
  if (!photo) return;
  const image = $('photo');
  image.setAttribute('x', view.ox); image.setAttribute('y', view.oy);
  image.setAttribute('width', photo.width * view.scale); image.setAttribute('height', photo.height * view.scale);
  const edges = $('edges'), points = $('points'), names = $('names');
  edges.replaceChildren(); points.replaceChildren(); names.replaceChildren();
  photo.instances.forEach((instance, n) => {
    for (const [a, b] of dataset.edges) {
      const p = instance.points[a], q = instance.points[b];
      if (!p.v || !q.v) continue;
      const s = toScreen(p), t = toScreen(q);
      edges.appendChild(el('line', { x1: s.x, y1: s.y, x2: t.x, y2: t.y, class: 'edge' }));
    }
    instance.points.forEach((p, k) => {
      if (!p.v) return;
      const s = toScreen(p), isSelected = selected && selected.n === n && selected.k === k;
      if (isLow(p)) points.appendChild(el('circle', { cx: s.x, cy: s.y, r: 12, class: 'low-ring' }));
      points.appendChild(el('circle', {
        cx: s.x, cy: s.y, r: isSelected ? 7 : 5.5, fill: COLOURS[dataset.sides[k]],
        class: 'point' + (p.v === 1 ? ' occluded' : '') + (isSelected ? ' selected' : ''),
        'data-n': n, 'data-k': k, 'data-name': dataset.keypoints[k],
      }));
      if (showNames || isSelected) {
        const text = el('text', { x: s.x + 8, y: s.y - 7, class: 'name' });
        text.textContent = dataset.keypoints[k];
        names.appendChild(text);
      }
    });
  });
  $('zoom').textContent = `${(view.scale * 100).toFixed(1)} %`;
  document.body.dataset.scale = String(view.scale);
  renderPoints();
}

function el(name, attributes) {
  const node = document.createElementNS(SVG, name);
  for (const [k, v] of Object.entries(attributes)) node.setAttribute(k, v);
  return node;
}

const isLow = p => p.suggested && p.score !== null && p.score < dataset.lowScore && !p.corrected;

// ---- side panel ----

function renderPoints() {
  const list = $('point-list');
  list.replaceChildren();
  photo.instances.forEach((instance, n) => instance.points.forEach((p, k) => {
    const li = document.createElement('li');
    if (selected && selected.n === n && selected.k === k) li.classList.add('selected');
    if (isLow(p)) li.classList.add('low');
    if (!p.v) li.classList.add('unplaced');
    const swatch = document.createElement('span');
    swatch.className = 'swatch'; swatch.style.background = COLOURS[dataset.sides[k]];
    const name = document.createElement('span');
    name.textContent = (photo.instances.length > 1 ? `#${n + 1} ` : '') + dataset.keypoints[k] +
      (p.v === 0 ? ' (not placed)' : p.v === 1 ? ' (occluded)' : '') + (p.corrected ? ' ✓' : '');
    const score = document.createElement('span');
    score.className = 'score';
    score.textContent = p.suggested && p.score !== null ? p.score.toFixed(2) : '';
    li.append(swatch, name, score);
    li.onclick = () => { selected = { n, k }; render(); };
    list.appendChild(li);
  }));
}

function renderPhotos() {
  const list = $('photo-list');
  list.replaceChildren();
  const marks = { todo: '○', corrected: '✓', skipped: '–' };
  for (const p of dataset.photos) {
    const li = document.createElement('li');
    li.className = 'state-' + p.state + (photo && p.id === photo.id ? ' current' : '');
    li.textContent = `${marks[p.state]} ${p.id + 1}. ${p.file}`;
    li.dataset.id = p.id;
    li.onclick = () => go(p.id);
    list.appendChild(li);
  }
  const count = s => dataset.photos.filter(p => p.state === s).length;
  $('counts').textContent = `${count('corrected')} corrected, ${count('skipped')} skipped, ${count('todo')} to do`;
  const current = list.querySelector('.current');
  if (current) current.scrollIntoView({ block: 'nearest' });
  if (photo) {
    $('photo-name').textContent = `${photo.id + 1} / ${dataset.photos.length}: ${photo.file} (${photo.width}×${photo.height})`;
    $('photo-state').textContent = { todo: 'to do', corrected: 'corrected', skipped: 'skipped' }[photo.state];
    $('photo-state').className = 'state-' + photo.state;
  }
}

function message(text) { $('message').textContent = text || ''; }

function saveStatus(text, kind) {
  const status = $('save-status');
  status.textContent = text;
  status.className = kind;
}

// ---- photos ----

async function go(id) {
  if (id < 0 || id >= dataset.photos.length) return;
  const response = await api(`api/photos/${id}`);
  if (!response.ok) { message(await response.text()); return; }
  photo = await response.json();
  loadedSide = 0;
  $('photo').removeAttribute('href');
  delete document.body.dataset.imageSide;
  selected = order()[0] || null;
  if (selected && !isLow(photo.instances[selected.n].points[selected.k])) selected = null;
  const empty = photo.instances.every(i => i.points.every(p => !p.v));
  message(empty ? 'no point placed in this photo: pick a name in the list, then press 2 with the mouse on the spot.' : '');
  document.body.dataset.photo = String(id);
  if (!(photo.width > 0 && photo.height > 0)) {
    message(`the size of ${photo.file} is unknown: its file is missing or unreadable.`);
    renderPhotos();
    return;
  }
  fit();
  renderPhotos();
  const next = dataset.photos[id + 1];
  if (next) new Image().src = imageUrl(next.id, Math.min(SIDES.find(s => s >= Math.max(next.width, next.height) * view.fit) || 2048, Math.max(next.width, next.height) || 2048));
}

// Points in the order Tab visits them: suggested points below the low score first (lowest first), then the rest.
function order() {
  const all = [];
  photo.instances.forEach((instance, n) => instance.points.forEach((p, k) => all.push({ n, k, p })));
  const low = all.filter(a => isLow(a.p)).sort((a, b) => a.p.score - b.p.score);
  return low.concat(all.filter(a => !isLow(a.p))).map(a => ({ n: a.n, k: a.k }));
}

function nextToDo() {
  const count = dataset.photos.length;
  for (let step = 1; step <= count; step++) {
    const candidate = dataset.photos[(photo.id + step) % count];
    if (candidate.state === 'todo') return candidate.id;
  }
  return null;
}

// ---- changes: each one is saved at once ----

const snapshot = () => JSON.parse(JSON.stringify({ state: photo.state, instances: photo.instances }));

function change(before) {
  undoStack.push({ id: photo.id, before });
  save();
}

function save() {
  const id = photo.id;
  const body = JSON.stringify({
    state: photo.state,
    instances: photo.instances.map(i => ({ points: i.points.map(p => ({ x: p.x, y: p.y, v: p.v, corrected: p.corrected })) })),
  });
  dataset.photos[id].state = photo.state;
  renderPhotos();
  pendingSaves++;
  document.body.dataset.saving = String(pendingSaves);
  saveStatus('saving…', 'saving');
  // Saves go one after another, so the file always ends with the last change.
  saveChain = saveChain.then(async () => {
    try {
      const response = await api(`api/photos/${id}`, { method: 'PUT', headers: { 'Content-Type': 'application/json' }, body });
      if (!response.ok) throw new Error(await response.text());
      saveStatus(`saved ${new Date().toLocaleTimeString()}`, 'saved');
    } catch (error) {
      saveStatus(`NOT SAVED: ${error.message}`, 'failed');
    } finally {
      pendingSaves--;
      document.body.dataset.saving = String(pendingSaves);
    }
  });
}

function setVisibility(v) {
  if (!selected) { message('select a point first (click it, its name, or Tab).'); return; }
  const p = photo.instances[selected.n].points[selected.k];
  if (p.v === v) return;
  const before = snapshot();
  if (v > 0 && p.v === 0) {
    // An unplaced point goes under the mouse when it is over the photo, else to the middle of the view.
    const box = $('view').getBoundingClientRect();
    const at = mouse || { x: box.width / 2, y: box.height / 2 };
    p.x = clamp((at.x - view.ox) / view.scale, 0, photo.width);
    p.y = clamp((at.y - view.oy) / view.scale, 0, photo.height);
  }
  p.v = v;
  p.corrected = true;
  photo.state = 'corrected';
  change(before);
  render();
}

function setState(state) {
  if (photo.state === state) return;
  const before = snapshot();
  photo.state = state;
  change(before);
}

async function undo() {
  const last = undoStack.pop();
  if (!last) { message('nothing to undo.'); return; }
  if (last.id !== photo.id) await go(last.id);
  photo.state = last.before.state;
  photo.instances = last.before.instances;
  save();
  render();
}

const clamp = (v, lo, hi) => Math.min(Math.max(v, lo), hi);

// ---- input ----

function local(e) {
  const box = $('view').getBoundingClientRect();
  return { x: e.clientX - box.left, y: e.clientY - box.top };
}

function onPointerDown(e) {
  if (!photo || e.button !== 0) return;
  const stage = $('stage');
  const target = e.target;
  if (target.classList && target.classList.contains('point')) {
    const n = +target.dataset.n, k = +target.dataset.k, p = photo.instances[n].points[k];
    selected = { n, k };
    drag = { kind: 'point', n, k, x: e.clientX, y: e.clientY, px: p.x, py: p.y, before: snapshot(), moved: false };
  } else {
    drag = { kind: 'pan', x: e.clientX, y: e.clientY, ox: view.ox, oy: view.oy };
    stage.classList.add('panning');
  }
  stage.setPointerCapture(e.pointerId);
  e.preventDefault();
  render();
}

function onPointerMove(e) {
  mouse = local(e);
  if (!drag) return;
  const dx = e.clientX - drag.x, dy = e.clientY - drag.y;
  if (drag.kind === 'pan') {
    view.ox = drag.ox + dx; view.oy = drag.oy + dy;
  } else {
    // The point moves by the pointer's movement divided by the zoom, wherever on the point it was grabbed.
    const p = photo.instances[drag.n].points[drag.k];
    p.x = clamp(drag.px + dx / view.scale, 0, photo.width);
    p.y = clamp(drag.py + dy / view.scale, 0, photo.height);
    drag.moved = drag.moved || dx !== 0 || dy !== 0;
  }
  render();
}

function onPointerUp(e) {
  if (!drag) return;
  const done = drag;
  drag = null;
  $('stage').classList.remove('panning');
  if ($('stage').hasPointerCapture(e.pointerId)) $('stage').releasePointerCapture(e.pointerId);
  if (done.kind === 'point' && done.moved) {
    const p = photo.instances[done.n].points[done.k];
    p.corrected = true;
    photo.state = 'corrected';
    change(done.before);
    render();
  }
}

function onKey(e) {
  if (!photo || e.target.tagName === 'INPUT') return;
  const key = e.key;
  if ((e.ctrlKey || e.metaKey) && key.toLowerCase() === 'z') { e.preventDefault(); undo(); return; }
  if (e.ctrlKey || e.metaKey || e.altKey) return;
  const box = $('view').getBoundingClientRect();
  switch (key) {
    case '0': case '1': case '2': setVisibility(+key); break;
    case 'Tab': {
      e.preventDefault();
      const list = order();
      const at = selected ? list.findIndex(s => s.n === selected.n && s.k === selected.k) : -1;
      selected = list[(at + (e.shiftKey ? -1 : 1) + list.length) % list.length];
      render();
      break;
    }
    case 'n': case 'N': case 'ArrowRight': go(photo.id + 1); break;
    case 'p': case 'P': case 'ArrowLeft': go(photo.id - 1); break;
    case 'Enter': {
      setState('corrected');
      const next = nextToDo();
      if (next === null) message('every photo is corrected or skipped.'); else go(next);
      break;
    }
    case 's': case 'S': setState('skipped'); go(photo.id + 1); break;
    case 't': case 'T': setState('todo'); break;
    case 'z': case 'Z': undo(); break;
    case 'f': case 'F': fit(); break;
    case 'l': case 'L': showNames = !showNames; render(); break;
    case '+': case '=': zoomAt(box.width / 2, box.height / 2, 1.25); break;
    case '-': case '_': zoomAt(box.width / 2, box.height / 2, 0.8); break;
    default: return;
  }
  // A handled key does nothing else: Enter must not also press a focused button, Tab not move the focus.
  e.preventDefault();
}

async function start() {
  const response = await api('api/dataset');
  if (!response.ok) { message(await response.text()); return; }
  dataset = await response.json();
  $('output').textContent = dataset.output;
  const stage = $('stage');
  stage.addEventListener('pointerdown', onPointerDown);
  stage.addEventListener('pointermove', onPointerMove);
  stage.addEventListener('pointerup', onPointerUp);
  stage.addEventListener('pointercancel', onPointerUp);
  stage.addEventListener('wheel', e => { e.preventDefault(); const at = local(e); zoomAt(at.x, at.y, Math.exp(-e.deltaY * 0.0015)); }, { passive: false });
  document.addEventListener('keydown', onKey);
  window.addEventListener('resize', () => { if (photo) render(); });
  $('prev').onclick = () => go(photo.id - 1);
  $('next').onclick = () => go(photo.id + 1);
  $('accept').onclick = () => onKey({ key: 'Enter', target: document.body, preventDefault() {} });
  $('skip').onclick = () => onKey({ key: 's', target: document.body, preventDefault() {} });
  $('undo').onclick = () => undo();
  $('fit').onclick = () => fit();
  const first = dataset.photos.find(p => p.state === 'todo') || dataset.photos[0];
  if (first) await go(first.id); else message('the labels hold no photo.');
  document.body.dataset.ready = 'true';
}

start();
