// The visit form on a phone: the draft lives on the device and syncs when it can.
//
// * On first load of a new visit a client_uuid is generated and kept with the draft; the server
//   creates or updates the visit by that id, so syncing twice never makes two visits.
// * Every input is saved to localStorage (key per user and client_uuid, plus an index of the
//   drafts on the device); after a reload — also offline, the service worker keeps the page —
//   the draft is restored.
// * Photos and files chosen in the form are kept in IndexedDB until they are uploaded (to the
//   visit's API attachments endpoint, after the first sync). Without IndexedDB they stay in the
//   file inputs and go with the normal form submission (they are then lost on a reload).
// * Sync: POST JSON to the visit_sync URL on the `online` event, every 30 s while there are
//   unsynced changes, 10 s after typing stops, and on "Save draft".
// * Submit: sync, upload what is pending, then file the visit (JSON with "submit": true); if files
//   are still in the inputs, the normal form POST does it instead. Offline, submitting waits.
// * "Record a finding" under an item answered with its problem option: sync, then open the finding
//   form of the visit for that item (prefilled with the item and the note).
// * Check-in (入校签到): when the form opens without one, the device's position is read once (the
//   consent text is on the form; nothing is read at any other time); it is kept in hidden fields,
//   so it lives in the draft and syncs with it, and the distance to the chosen school is shown.
// Without JavaScript the form is an ordinary multipart POST form.
(function () {
  "use strict";

  var configEl = document.getElementById("visit-form-config");
  var stringsEl = document.getElementById("visit-form-strings");
  var recordEl = document.getElementById("visit-record");
  var S = stringsEl ? JSON.parse(stringsEl.textContent) : {};
  var config = configEl ? JSON.parse(configEl.textContent) : null;
  var userId = config ? config.userId : recordEl ? recordEl.dataset.userId : null;
  if (!userId || !window.localStorage) return;

  // ---- storage: localStorage for the fields, IndexedDB for photos and files -----------------
  var KEY = "dudao.visits." + userId + ".";

  function readJSON(key, fallback) {
    try {
      var raw = window.localStorage.getItem(key);
      return raw ? JSON.parse(raw) : fallback;
    } catch (e) { return fallback; }
  }
  function writeJSON(key, value) {
    try { window.localStorage.setItem(key, JSON.stringify(value)); return true; } catch (e) { return false; }
  }

  var store = {
    index: function () { return readJSON(KEY + "index", []); },
    entry: function (uuid) { return store.index().filter(function (e) { return e.uuid === uuid; })[0] || null; },
    get: function (uuid) { return readJSON(KEY + "draft." + uuid, null); },
    put: function (draft, meta) {
      writeJSON(KEY + "draft." + draft.uuid, draft);
      var index = store.index().filter(function (e) { return e.uuid !== draft.uuid; });
      var old = store.entry(draft.uuid) || {};
      var entry = Object.assign({}, old, meta || {}, { uuid: draft.uuid });
      index.unshift(entry);
      writeJSON(KEY + "index", index);
      return entry;
    },
    update: function (uuid, meta) {
      var index = store.index();
      index.forEach(function (e) { if (e.uuid === uuid) Object.assign(e, meta); });
      writeJSON(KEY + "index", index);
    },
    remove: function (uuid) {
      try { window.localStorage.removeItem(KEY + "draft." + uuid); } catch (e) { /* ignore */ }
      writeJSON(KEY + "index", store.index().filter(function (e) { return e.uuid !== uuid; }));
      if (store.current() === uuid) store.setCurrent(null);
    },
    current: function () { return readJSON(KEY + "current", null); },
    setCurrent: function (uuid) { writeJSON(KEY + "current", uuid); }
  };

  var files = (function () {
    var dbPromise = null;
    function open() {
      if (dbPromise) return dbPromise;
      dbPromise = new Promise(function (resolve, reject) {
        if (!window.indexedDB) { reject(new Error("no IndexedDB")); return; }
        var request = window.indexedDB.open("dudao-visit-files", 1);
        request.onupgradeneeded = function () {
          var os = request.result.createObjectStore("files", { keyPath: "id", autoIncrement: true });
          os.createIndex("uuid", "uuid");
        };
        request.onsuccess = function () { resolve(request.result); };
        request.onerror = function () { reject(request.error); };
      });
      return dbPromise;
    }
    function tx(mode, work) {
      return open().then(function (db) {
        return new Promise(function (resolve, reject) {
          var t = db.transaction("files", mode);
          var result = work(t.objectStore("files"));
          t.oncomplete = function () { resolve(result && "result" in result ? result.result : result); };
          t.onerror = function () { reject(t.error); };
          t.onabort = function () { reject(t.error); };
        });
      });
    }
    return {
      available: function () { return open().then(function () { return true; }); },
      add: function (record) { return tx("readwrite", function (os) { return os.add(record); }); },
      put: function (record) { return tx("readwrite", function (os) { return os.put(record); }); },
      remove: function (id) { return tx("readwrite", function (os) { return os.delete(id); }); },
      list: function (uuid) {
        return tx("readonly", function (os) { return os.index("uuid").getAll(uuid); }).then(function (rows) {
          return (rows || []).sort(function (a, b) { return a.id - b.id; });
        });
      },
      removeAll: function (uuid) {
        return files.list(uuid).then(function (rows) {
          return Promise.all(rows.map(function (r) { return files.remove(r.id); }));
        }).catch(function () { return null; });
      }
    };
  })();

  function forget(uuid) {
    store.remove(uuid);
    return files.removeAll(uuid);
  }

  // ---- helpers ------------------------------------------------------------------------------
  function newUuid() {
    if (window.crypto && window.crypto.randomUUID) return window.crypto.randomUUID();
    var b = new Uint8Array(16);
    window.crypto.getRandomValues(b);
    b[6] = (b[6] & 0x0f) | 0x40;
    b[8] = (b[8] & 0x3f) | 0x80;
    var h = Array.prototype.map.call(b, function (x) { return (x + 0x100).toString(16).slice(1); }).join("");
    return h.slice(0, 8) + "-" + h.slice(8, 12) + "-" + h.slice(12, 16) + "-" + h.slice(16, 20) + "-" + h.slice(20);
  }
  function fmt(text, values) {
    return String(text || "").replace(/\{(\w+)\}/g, function (m, k) { return values && k in values ? values[k] : m; });
  }
  function clock(ms) {
    var d = new Date(ms);
    return ("0" + d.getHours()).slice(-2) + ":" + ("0" + d.getMinutes()).slice(-2) + ":" + ("0" + d.getSeconds()).slice(-2);
  }
  function csrfToken() {
    var m = document.cookie.match(/(?:^|;\s*)csrftoken=([^;]+)/);
    if (m) return decodeURIComponent(m[1]);
    var input = document.querySelector("input[name=csrfmiddlewaretoken]");
    return input ? input.value : "";
  }
  function firstError(errors) {
    if (!errors) return "";
    var out = [];
    Object.keys(errors).forEach(function (k) { out = out.concat(errors[k]); });
    return out.join(" ");
  }

  // ---- drafts on this device (list page and form page) ----------------------------------------
  function renderDeviceDrafts(openUuid) {
    var box = document.getElementById("device-drafts");
    var list = document.getElementById("device-drafts-list");
    if (!box || !list || !config) return;
    var entries = store.index().filter(function (e) { return e.uuid !== openUuid && store.get(e.uuid); });
    list.textContent = "";
    entries.forEach(function (e) {
      var a = document.createElement("a");
      a.className = "list-group-item list-group-item-action d-flex justify-content-between align-items-center py-3";
      a.href = config.addUrl + "?draft=" + encodeURIComponent(e.uuid);
      a.dataset.testid = "device-draft";
      var label = document.createElement("span");
      label.textContent = (e.schoolName || S.newVisit || "") + " · " + (e.date || "");
      var state = document.createElement("span");
      state.className = "badge " + (e.dirty ? "bg-yellow-lt" : "bg-green-lt");
      state.textContent = e.dirty ? (S.notSynced || "") : (e.syncedAt ? fmt(S.synced, { time: clock(e.syncedAt) }) : "");
      a.appendChild(label);
      a.appendChild(state);
      list.appendChild(a);
    });
    box.hidden = entries.length === 0;
  }

  function registerServiceWorker() {
    if (config && config.serviceWorkerUrl && "serviceWorker" in navigator) {
      navigator.serviceWorker.register(config.serviceWorkerUrl).catch(function () { return null; });
    }
  }

  // ---- the record page: a submitted visit leaves the device ------------------------------------
  if (recordEl) {
    if (recordEl.dataset.own && recordEl.dataset.status === "submitted") forget(recordEl.dataset.clientUuid);
    return;
  }

  var form = document.getElementById("visit-form");
  if (!form) {
    // the visit list: show the drafts kept here and send the unsynced ones
    renderDeviceDrafts(null);
    registerServiceWorker();
    return;
  }

  // ---- the form page --------------------------------------------------------------------------
  var statusEl = document.getElementById("visit-sync-status");
  var uuidInput = form.elements.client_uuid;
  var lessonBox = document.getElementById("lesson-rows");
  var lessonTemplate = document.getElementById("lesson-row-template");
  var pendingBox = document.getElementById("pending-files");
  var fileInputs = [form.elements.photos, form.elements.files].filter(Boolean);
  var schoolSelect = form.elements.school;
  var uuid;
  var lessonCounter = 0;
  var idbOk = true;

  function setStatus(kind, text) {
    if (!statusEl) return;
    var css = { device: "alert-secondary", synced: "alert-success", syncing: "alert-info", offline: "alert-warning", failed: "alert-danger" };
    statusEl.className = "visit-status alert py-2 " + (css[kind] || "alert-secondary");
    statusEl.dataset.state = kind;
    statusEl.textContent = text;
    statusEl.hidden = false;
  }

  // lesson rows
  function wireLessonRow(row) {
    var remove = row.querySelector("[data-lesson-remove]");
    if (remove) {
      remove.hidden = false;
      remove.addEventListener("click", function () { row.remove(); changed(); });
    }
  }
  function addLessonRow(values) {
    var n = lessonCounter++;
    var holder = document.createElement("div");
    holder.innerHTML = lessonTemplate.innerHTML.replace(/__N__/g, String(n));
    var row = holder.firstElementChild;
    if (values) {
      row.querySelectorAll("[name]").forEach(function (el) {
        var field = el.name.replace(/^lesson-\d+-/, "");
        if (field in values) el.value = values[field] || "";
      });
    }
    lessonBox.appendChild(row);
    wireLessonRow(row);
    return row;
  }
  function collectLessons() {
    return Array.prototype.map.call(lessonBox.querySelectorAll("[data-lesson-row]"), function (row) {
      var values = {};
      row.querySelectorAll("[name]").forEach(function (el) { values[el.name.replace(/^lesson-\d+-/, "")] = el.value; });
      return values;
    });
  }

  // checklist shown for the chosen school
  function activeVersion() {
    var school = schoolSelect ? schoolSelect.value : "";
    var map = (config && config.schoolChecklists) || {};
    return school && map[school] ? String(map[school]) : null;
  }
  function showChecklist() {
    var version = activeVersion();
    form.querySelectorAll("fieldset[data-checklist]").forEach(function (fs) {
      var on = !version || fs.dataset.checklist === version;
      fs.hidden = !on;
      fs.disabled = !on;
    });
  }

  // form <-> draft
  function skip(el) {
    return !el.name || el.type === "file" || el.type === "submit" || el.type === "button" ||
      el.name === "csrfmiddlewaretoken" || el.name === "remove_attachments" || /^lesson-/.test(el.name);
  }
  function collect() {
    var fields = {};
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el)) return;
      if (el.type === "checkbox") {
        if (!Array.isArray(fields[el.name])) fields[el.name] = [];
        if (el.checked) fields[el.name].push(el.value);
      } else if (el.type === "radio") {
        if (el.checked) fields[el.name] = el.value;
        else if (!(el.name in fields)) fields[el.name] = "";
      } else {
        fields[el.name] = el.value;
      }
    });
    return { uuid: uuid, fields: fields, lessons: collectLessons() };
  }
  function restore(draft) {
    Array.prototype.forEach.call(form.elements, function (el) {
      if (skip(el) || !(el.name in draft.fields)) return;
      var v = draft.fields[el.name];
      if (el.type === "checkbox") el.checked = Array.isArray(v) && v.indexOf(el.value) >= 0;
      else if (el.type === "radio") el.checked = v === el.value;
      else el.value = v;
    });
    lessonBox.textContent = "";
    (draft.lessons && draft.lessons.length ? draft.lessons : [null]).forEach(function (values) { addLessonRow(values); });
    showChecklist();
  }
  function payload(draft, submit) {
    var f = draft.fields;
    var version = activeVersion();
    var answers = {};
    if (version) {
      var a = "a-" + version + "-";
      var n = "n-" + version + "-";
      Object.keys(f).forEach(function (name) {
        var code;
        if (name.indexOf(a) === 0) {
          code = name.slice(a.length);
          answers[code] = answers[code] || {};
          answers[code].value = f[name];
        } else if (name.indexOf(n) === 0) {
          code = name.slice(n.length);
          answers[code] = answers[code] || {};
          answers[code].note = f[name];
        }
      });
    }
    return {
      client_uuid: draft.uuid, school: f.school || null, date: f.date || "", kind: f.kind || "",
      methods: f.methods || [], purpose: f.purpose || "", highlights: f.highlights || "",
      highlight_recommended: (f.highlight_recommended || []).length > 0, problems: f.problems || "",
      feedback: f.feedback || "", answers: answers, lessons: draft.lessons || [], submit: !!submit,
      checkin_latitude: f.checkin_latitude || "", checkin_longitude: f.checkin_longitude || "",
      checkin_accuracy_m: f.checkin_accuracy_m || "", checkin_taken_at: f.checkin_taken_at || "",
      checkin_reason: f.checkin_reason || ""
    };
  }

  // check-in: the position the device gives when the form opens, and its distance to the school
  var checkinState = document.getElementById("checkin-state");
  var checkinTake = document.getElementById("checkin-take");
  var checkinReasonBox = document.getElementById("checkin-reason-box");
  var checkinError = "";
  function haversine(lat1, lon1, lat2, lon2) {
    // great-circle distance in metres (haversine formula, mean Earth radius), as the server computes it
    var rad = Math.PI / 180, R = 6371008.8;
    var dPhi = (lat2 - lat1) * rad, dLambda = (lon2 - lon1) * rad;
    var a = Math.pow(Math.sin(dPhi / 2), 2) +
      Math.cos(lat1 * rad) * Math.cos(lat2 * rad) * Math.pow(Math.sin(dLambda / 2), 2);
    return 2 * R * Math.atan2(Math.sqrt(a), Math.sqrt(1 - a));
  }
  function checkinField(name) { return form.elements["checkin_" + name]; }
  function hasCheckin() { return !!(checkinField("taken_at") && checkinField("taken_at").value); }
  function renderCheckin(working) {
    if (!checkinState || !checkinField("latitude")) return;
    var lat = parseFloat(checkinField("latitude").value);
    var lon = parseFloat(checkinField("longitude").value);
    var accuracy = checkinField("accuracy_m").value;
    var points = (config && config.checkinPoints) || {};
    var point = schoolSelect && schoolSelect.value ? points[schoolSelect.value] : null;
    var text, css, state, needsReason = true;
    if (working) {
      text = S.checkinWorking; css = "bg-blue-lt"; state = "working";
    } else if (isNaN(lat) || isNaN(lon)) {
      text = fmt(S.checkinNoLocation, { error: checkinError }); css = "bg-red-lt"; state = "no_location";
    } else if (!point) {
      text = S.checkinNoSchool; css = "bg-blue-lt"; state = "no_school"; needsReason = false;
    } else if (point.lat === null || point.lon === null) {
      text = S.checkinNoSchoolPoint; css = "bg-yellow-lt"; state = "no_school_point"; needsReason = false;
    } else {
      var distance = Math.round(haversine(lat, lon, point.lat, point.lon));
      if (distance <= point.radius) {
        text = fmt(S.checkinWithin, { distance: distance }); css = "bg-green-lt"; state = "within"; needsReason = false;
      } else {
        text = fmt(S.checkinTooFar, { distance: distance, radius: point.radius }); css = "bg-orange-lt"; state = "too_far";
      }
    }
    checkinState.textContent = "";
    var badge = document.createElement("span");
    badge.className = "badge text-wrap text-start " + css;
    badge.dataset.testid = "checkin-live";
    badge.dataset.status = state;
    badge.textContent = text;
    checkinState.appendChild(badge);
    if (!working && accuracy && !isNaN(lat)) {
      var small = document.createElement("span");
      small.className = "text-secondary small d-block mt-1";
      small.textContent = fmt(S.checkinAccuracy, { accuracy: accuracy });
      checkinState.appendChild(small);
    }
    if (checkinReasonBox) checkinReasonBox.hidden = !needsReason && !checkinField("reason").value;
  }
  function checkinTaken(byHand) {
    // a check-in taken as the form opens joins the draft with the first change, or at once when
    // this visit already has a draft; one taken by hand is a change itself
    if (byHand || !config.isNew || store.get(uuid)) changed();
  }
  function takeCheckin(byHand) {
    byHand = byHand === true;
    if (!checkinField("latitude")) return;
    if (!navigator.geolocation) {
      checkinError = S.checkinUnsupported;
      checkinField("taken_at").value = new Date().toISOString();
      renderCheckin(false);
      checkinTaken(byHand);
      return;
    }
    renderCheckin(true);
    if (checkinTake) checkinTake.disabled = true;
    navigator.geolocation.getCurrentPosition(function (pos) {
      checkinField("latitude").value = pos.coords.latitude.toFixed(6);
      checkinField("longitude").value = pos.coords.longitude.toFixed(6);
      checkinField("accuracy_m").value = String(Math.round(pos.coords.accuracy));
      checkinField("taken_at").value = new Date(pos.timestamp || Date.now()).toISOString();
      checkinError = "";
      if (checkinTake) { checkinTake.disabled = false; checkinTake.hidden = false; }
      renderCheckin(false);
      checkinTaken(byHand);
    }, function (error) {
      checkinField("latitude").value = "";
      checkinField("longitude").value = "";
      checkinField("accuracy_m").value = "";
      checkinField("taken_at").value = new Date().toISOString();
      checkinError = error && error.message ? error.message : "";
      if (checkinTake) { checkinTake.disabled = false; checkinTake.hidden = false; }
      renderCheckin(false);
      checkinTaken(byHand);
    }, { enableHighAccuracy: true, timeout: 30000, maximumAge: 60000 });
  }

  function saveLocal() {
    var draft = collect();
    draft.savedAt = Date.now();
    var option = schoolSelect && schoolSelect.selectedOptions && schoolSelect.selectedOptions[0];
    store.put(draft, {
      savedAt: draft.savedAt, dirty: true, date: draft.fields.date || "",
      schoolName: option && option.value ? option.textContent.trim() : "",
      visitId: (store.entry(uuid) || {}).visitId || config.visitId || null
    });
    if (config.isNew) store.setCurrent(uuid);
    if (!navigator.onLine) setStatus("offline", S.offline);
    else setStatus("device", fmt(S.savedDevice, { time: clock(draft.savedAt) }));
    return draft;
  }

  var idleTimer = null;
  function changed() {
    saveLocal();
    window.clearTimeout(idleTimer);
    idleTimer = window.setTimeout(function () { sync(); }, 10000);
  }

  // pending photos and files
  function renderPending() {
    if (!pendingBox) return Promise.resolve();
    return files.list(uuid).then(function (rows) {
      pendingBox.textContent = "";
      rows.forEach(function (r) {
        var fig = document.createElement("figure");
        fig.dataset.testid = "pending-file";
        fig.dataset.state = r.uploaded ? "uploaded" : r.error ? "error" : "pending";
        var thumb;
        if (/^image\//.test(r.type)) {
          thumb = document.createElement("img");
          thumb.alt = r.name;
          thumb.src = URL.createObjectURL(r.blob);
        } else {
          thumb = document.createElement("div");
          thumb.className = "visit-file-icon";
          thumb.textContent = "📄";
        }
        var caption = document.createElement("figcaption");
        caption.textContent = r.name + " · " + (r.uploaded ? S.uploaded : r.error ? r.error : S.pendingPhoto);
        fig.appendChild(thumb);
        fig.appendChild(caption);
        if (!r.uploaded) {
          var remove = document.createElement("button");
          remove.type = "button";
          remove.className = "btn btn-link text-danger px-0";
          remove.textContent = S.remove;
          remove.addEventListener("click", function () { files.remove(r.id).then(renderPending); });
          fig.appendChild(remove);
        }
        pendingBox.appendChild(fig);
      });
    }).catch(function () { return null; });
  }

  function keepFiles(input) {
    var chosen = Array.prototype.slice.call(input.files || []);
    if (!chosen.length || !idbOk) return;
    files.available().then(function () {
      return Promise.all(chosen.map(function (f) {
        return files.add({ uuid: uuid, field: input.name, name: f.name, type: f.type, size: f.size, blob: f,
                           uploaded: false, addedAt: Date.now() });
      }));
    }).then(function () {
      input.value = "";
      return renderPending();
    }).then(function () { changed(); }).catch(function () {
      idbOk = false;
      setStatus("device", S.photoStoreFailed);
    });
  }

  function uploadPending(visitId) {
    if (!config.uploadUrlTemplate) return Promise.resolve(true);
    return files.list(uuid).catch(function () { return []; }).then(function (rows) {
      var todo = rows.filter(function (r) { return !r.uploaded && !r.error; });
      return todo.reduce(function (chain, r) {
        return chain.then(function (ok) {
          var body = new FormData();
          body.append("file", new File([r.blob], r.name, { type: r.type }));
          return fetch(config.uploadUrlTemplate.replace("{id}", visitId), {
            method: "POST", body: body, credentials: "same-origin",
            headers: { "X-CSRFToken": csrfToken(), "Accept": "application/json" }
          }).then(function (response) {
            return response.json().catch(function () { return {}; }).then(function (data) {
              if (response.status === 200 || response.status === 201) {
                r.uploaded = true;
                r.attachmentId = data.id;
              } else if (response.status === 400) {
                r.error = firstError(data) || String(response.status);
              } else {
                return false;
              }
              return files.put(r).then(function () { return ok; });
            });
          });
        });
      }, Promise.resolve(true)).then(function (ok) { return renderPending().then(function () { return ok; }); });
    });
  }

  function pendingUploads() {
    return files.list(uuid).then(function (rows) {
      return rows.filter(function (r) { return !r.uploaded; }).length;
    }).catch(function () { return 0; });
  }

  // sync
  var busy = null;
  var again = false;
  function sync(submit) {
    if (busy) { again = again || !submit; return submit ? busy.then(function () { return sync(true); }) : busy; }
    var draft = store.get(uuid);
    if (!draft) draft = saveLocal();
    if (!navigator.onLine) { setStatus("offline", S.offline); return Promise.resolve({ ok: false, offline: true }); }
    if (!draft.fields.school) { setStatus("device", S.needSchool); return Promise.resolve({ ok: false }); }
    var sentAt = draft.savedAt;
    setStatus("syncing", S.syncing);
    busy = fetch(config.syncUrl, {
      method: "POST", credentials: "same-origin",
      headers: { "Content-Type": "application/json", "Accept": "application/json", "X-CSRFToken": csrfToken() },
      body: JSON.stringify(payload(draft, submit))
    }).then(function (response) {
      return response.json().catch(function () { return {}; }).then(function (data) {
        if (response.status === 200 || response.status === 201) {
          var entry = store.entry(uuid) || {};
          store.update(uuid, { visitId: data.id, syncedAt: Date.now(), dirty: entry.savedAt !== sentAt });
          if (submit) return { ok: true, data: data };
          return uploadPending(data.id).then(function (uploaded) {
            setStatus("synced", fmt(S.synced, { time: clock(Date.now()) }));
            return { ok: uploaded, data: data };
          });
        }
        if (response.status === 409) {
          setStatus("synced", S.submittedElsewhere);
          return forget(uuid).then(function () { return { ok: false, done: true, data: data }; });
        }
        setStatus("failed", fmt(S.failed, { error: firstError(data.errors) || data.detail || response.status }));
        return { ok: false, data: data };
      });
    }).catch(function () {
      setStatus(navigator.onLine ? "failed" : "offline", navigator.onLine ? fmt(S.failed, { error: "network" }) : S.offline);
      return { ok: false };
    }).then(function (result) {
      busy = null;
      if (again) { again = false; var entry = store.entry(uuid); if (entry && entry.dirty) return sync(); }
      return result;
    });
    return busy;
  }

  function submitNatively(action) {
    var hidden = document.createElement("input");
    hidden.type = "hidden";
    hidden.name = "action";
    hidden.value = action;
    form.appendChild(hidden);
    form.dataset.native = "1";
    form.submit();
  }

  function filesInInputs() {
    return fileInputs.some(function (input) { return input.files && input.files.length; });
  }

  // "Record a finding" under an item answered with a problem: sync the draft (the answer and its
  // note reach the server), then open the finding form of this visit prefilled from that answer
  function openFinding(action, code) {
    saveLocal();
    if (!navigator.onLine) { setStatus("offline", S.findingOffline); return; }
    if (filesInInputs() || !config.findingUrlTemplate) { submitNatively(action); return; }
    sync().then(function (result) {
      var id = result && result.data && result.data.id;
      if (!id) return;
      window.location.href = config.findingUrlTemplate.replace("{id}", id).replace("{code}", encodeURIComponent(code));
    });
  }

  form.addEventListener("submit", function (event) {
    if (form.dataset.native) return;
    event.preventDefault();
    var submitter = event.submitter;
    var value = submitter ? submitter.value || "" : "";
    if (value.indexOf("finding:") === 0) { openFinding(value, value.slice("finding:".length)); return; }
    var action = value === "submit" ? "submit" : "save";
    saveLocal();
    if (action === "save") {
      if (filesInInputs() && navigator.onLine) { submitNatively("save"); return; }
      sync();
      return;
    }
    if (!navigator.onLine) { setStatus("offline", S.offlineSubmit); return; }
    var question = submitter && submitter.dataset.confirmText;
    if (question && !window.confirm(question)) return;
    if (filesInInputs()) { submitNatively("submit"); return; }
    sync().then(function (result) {
      if (result.done && result.data && result.data.url) { window.location.href = result.data.url; return null; }
      if (!result.ok) return null;
      return pendingUploads().then(function (left) {
        if (left) { setStatus("failed", fmt(S.failed, { error: S.pendingPhoto })); return null; }
        return sync(true).then(function (final) {
          if ((final.ok || final.done) && final.data && final.data.url) {
            return forget(uuid).then(function () { window.location.href = final.data.url; });
          }
          return null;
        });
      });
    });
  });

  // ---- start ------------------------------------------------------------------------------------
  var params = new URLSearchParams(window.location.search);
  if (config.isNew) {
    var wanted = params.get("draft") || (params.get("new") ? null : store.current());
    var existing = wanted ? store.get(wanted) : null;
    if (existing) {
      uuid = wanted;
      restore(existing);
      store.setCurrent(uuid);
      setStatus("device", S.restored);
    } else {
      uuid = newUuid();
      uuidInput.value = uuid;
    }
  } else {
    uuid = uuidInput.value;
    var local = store.get(uuid);
    var entry = store.entry(uuid);
    if (local && entry && entry.dirty) {
      restore(local);
      setStatus("device", S.restored);
    }
  }
  Array.prototype.forEach.call(lessonBox.querySelectorAll("[data-lesson-row]"), function (row) {
    wireLessonRow(row);
    row.querySelectorAll("[name]").forEach(function (el) {
      var m = el.name.match(/^lesson-(\d+)-/);
      if (m) lessonCounter = Math.max(lessonCounter, parseInt(m[1], 10) + 1);
    });
  });
  var addButton = document.getElementById("lesson-add");
  if (addButton) {
    addButton.hidden = false;
    addButton.addEventListener("click", function () {
      var row = addLessonRow(null);
      var first = row.querySelector("input");
      if (first) first.focus();
      changed();
    });
  }
  showChecklist();
  if (schoolSelect) schoolSelect.addEventListener("change", showChecklist);
  if (checkinState && checkinField("latitude")) {
    if (schoolSelect) schoolSelect.addEventListener("change", function () { renderCheckin(false); });
    if (checkinTake) checkinTake.addEventListener("click", function () { takeCheckin(true); });
    if (hasCheckin()) {
      if (checkinTake) checkinTake.hidden = false;
      renderCheckin(false);
    } else {
      takeCheckin();
    }
  }
  form.addEventListener("input", function (e) { if (e.target.type !== "file") changed(); });
  form.addEventListener("change", function (e) {
    if (e.target.type === "file") keepFiles(e.target);
    else changed();
  });
  files.available().then(function () {
    // photos go to the device first: the big camera button is enough, the bare input can hide
    if (form.elements.photos) form.elements.photos.classList.add("visually-hidden");
    return renderPending();
  }).catch(function () { idbOk = false; });
  renderDeviceDrafts(uuid);
  registerServiceWorker();

  window.addEventListener("online", function () { sync(); });
  window.addEventListener("offline", function () { setStatus("offline", S.offline); });
  window.setInterval(function () {
    var e = store.entry(uuid);
    if (navigator.onLine && e && e.dirty) sync();
  }, 30000);
  if (navigator.onLine && (store.entry(uuid) || {}).dirty) sync();
  else if (!navigator.onLine) setStatus("offline", S.offline);

  window.dudaoVisitForm = { sync: sync, uuid: function () { return uuid; }, store: store };
})();
