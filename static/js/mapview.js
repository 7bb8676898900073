// The map page (viewport data, clusters, legend, drawn selections) and the customer's small map.
// Data comes from json_script and JSON endpoints; every text is put in with textContent.
(function () {
  "use strict";

  const RADIUS = { A: 11, B: 8, C: 6, D: 4 };
  const COLOR = { customer: "#0d6efd", lead: "#8a8f98" };
  const STACK_ZOOM = 14; // customers at one spot are spread out as single markers from here

  function readConfig(id) {
    const el = document.getElementById(id);
    return el ? JSON.parse(el.textContent) : null;
  }

  function el(tag, attrs, text) {
    const node = document.createElement(tag);
    Object.entries(attrs || {}).forEach(([k, v]) => {
      if (k === "className") node.className = v; else node.setAttribute(k, v);
    });
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  const LANG = document.documentElement.lang || undefined;
  // numbers grouped as the page's language writes them (12.345 in German)
  function num(value) {
    return typeof value === "number" ? value.toLocaleString(LANG) : String(value);
  }

  function fmt(template, values) {
    return template.replace(/%\((\w+)\)s/g, (_, key) => num(values[key]));
  }

  // Leaflet's and Leaflet.draw's own texts (zoom buttons, drawing toolbar) in the page's language:
  // config.leaflet (mapview/leaflet_texts.py) over their English defaults, before a map is made.
  function merge(target, texts) {
    Object.entries(texts || {}).forEach(([key, value]) => {
      if (typeof value === "string") target[key] = value;
      else if (value && typeof target[key] === "object") merge(target[key], value);
    });
  }
  function localize(config) {
    const texts = config.leaflet;
    if (!texts) return;
    if (L.Control && L.Control.Zoom) {
      L.Control.Zoom.prototype.options.zoomInTitle = texts.zoomIn;
      L.Control.Zoom.prototype.options.zoomOutTitle = texts.zoomOut;
    }
    if (L.drawLocal && texts.draw) merge(L.drawLocal, texts.draw);
  }

  function tileLayer(config) {
    // detectRetina: on a phone's 2-3x screen the next zoom's tiles at half size, sharp instead of
    // blurred (Lighthouse's "serves images with low resolution" on the map)
    return L.tileLayer(config.tiles, { attribution: config.attribution, maxZoom: config.maxZoom || 18,
      detectRetina: true });
  }

  function markerStyle(point, selected) {
    return {
      radius: RADIUS[point.size] || RADIUS.D,
      color: selected ? "#dc3545" : "#ffffff",
      weight: selected ? 3 : 1,
      fillColor: point.lead ? COLOR.lead : COLOR.customer,
      fillOpacity: 0.9,
    };
  }

  // --- the map page --------------------------------------------------------------------------
  function initMapPage(container) {
    const config = readConfig("map-config");
    if (!config || typeof L === "undefined") return;
    const t = config.i18n;
    localize(config);
    const map = L.map(container, { preferCanvas: true, maxZoom: config.maxZoom, worldCopyJump: true });
    tileLayer(config).addTo(map);
    if (config.extent) {
      const [w, s, e, n] = config.extent;
      if (w === e && s === n) map.setView([s, w], 12); else map.fitBounds([[s, w], [n, e]], { padding: [24, 24] });
    } else {
      map.setView(config.center, config.zoom);
    }
    container.__crmMap = map;

    const dataLayer = L.layerGroup().addTo(map);
    const drawn = new L.FeatureGroup().addTo(map);
    const statusEl = document.getElementById("map-status");
    const state = { ids: new Set(), clickSelect: false, markers: new Map() };
    let controller = null;
    let timer = null;

    function hidden() {
      return Array.from(document.querySelectorAll("#map-legend input[name=legend]"))
        .filter((box) => !box.checked).map((box) => box.value);
    }
    function params(extra) {
      const p = new URLSearchParams(config.query);
      hidden().forEach((h) => p.append("hide", h));
      Object.entries(extra || {}).forEach(([k, v]) => p.set(k, v));
      return p;
    }

    function popupContent(data) {
      const root = el("div", { className: "crm-popup" });
      root.appendChild(el("span", { className: "crm-popup-name" + (data.lead ? " crm-lead" : "") }, data.name));
      const dl = el("dl");
      dl.appendChild(el("dt", {}, t.owner)); dl.appendChild(el("dd", {}, data.owner || t.noOwner));
      dl.appendChild(el("dt", {}, t.openProjects)); dl.appendChild(el("dd", { "data-testid": "popup-open-projects" }, data.open_projects));
      dl.appendChild(el("dt", {}, t.size)); dl.appendChild(el("dd", {}, data.size + " · " + (data.lead ? t.lead : t.customer)));
      if (data.city) { dl.appendChild(el("dt", {}, "")); dl.appendChild(el("dd", {}, data.city)); }
      root.appendChild(dl);
      if (data.url) root.appendChild(el("a", { href: data.url, className: "btn btn-sm btn-outline-primary" }, t.open));
      return root;
    }

    // A map-level popup (not bound to the marker) survives the redraw after it pans the map.
    const popup = L.popup({ maxWidth: 280 });
    function openPopup(marker, point) {
      popup.setLatLng(marker.getLatLng()).setContent(el("div", {}, t.loading)).openOn(map);
      fetch(config.popupUrl.replace(/\/0\/popup\/$/, "/" + encodeURIComponent(point.id) + "/popup/"), {
        headers: { Accept: "application/json" }, credentials: "same-origin",
      }).then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((data) => popup.setContent(popupContent(data)))
        .catch(() => popup.setContent(el("div", {}, t.failed)));
    }

    // Customers geocoded to the same town share coordinates: spread them around it in pixels.
    function spread(points) {
      const groups = new Map();
      points.forEach((p) => {
        const key = p.lat + "," + p.lon;
        if (!groups.has(key)) groups.set(key, []);
        groups.get(key).push(p);
      });
      const zoom = map.getZoom();
      const out = [];
      groups.forEach((group) => {
        if (group.length === 1) { out.push([group[0], L.latLng(group[0].lat, group[0].lon)]); return; }
        const origin = map.project(L.latLng(group[0].lat, group[0].lon), zoom);
        group.forEach((p, i) => {
          const r = 7 * Math.sqrt(i + 0.5), a = i * 2.39996; // a sunflower: even spacing, no overlap
          out.push([p, map.unproject(origin.add(L.point(r * Math.cos(a), r * Math.sin(a))), zoom)]);
        });
      });
      return out;
    }

    function drawPoints(points) {
      state.markers.clear();
      spread(points).forEach(([point, latlng]) => {
        const marker = L.circleMarker(latlng, markerStyle(point, state.ids.has(point.id)));
        marker.bindTooltip(el("span", {}, point.name), { direction: "top" });
        marker.on("click", () => {
          if (state.clickSelect) {
            if (state.ids.has(point.id)) state.ids.delete(point.id); else state.ids.add(point.id);
            marker.setStyle(markerStyle(point, state.ids.has(point.id)));
            refreshSelection();
          } else {
            openPopup(marker, point);
          }
        });
        marker.addTo(dataLayer);
        state.markers.set(point.id, marker);
      });
    }

    function drawClusters(clusters) {
      clusters.forEach((c) => {
        const [w, s, e, n] = c.bounds;
        const onePlace = w === e && s === n; // e.g. every customer of one town, geocoded offline
        const stacked = onePlace ? map.getZoom() >= STACK_ZOOM : map.getZoom() >= map.getMaxZoom();
        const size = Math.round(24 + Math.min(22, Math.log10(c.count) * 7));
        const label = el("div", {
          className: "crm-cluster" + (stacked ? " crm-cluster-stacked" : ""),
          "data-testid": "map-cluster",
        }, num(c.count));
        const leadShare = Math.round((100 * c.leads) / c.count);
        if (leadShare > 0) {
          label.style.background = "conic-gradient(" + COLOR.lead + " 0 " + leadShare + "%, " + COLOR.customer + " " + leadShare + "% 100%)";
        }
        label.style.width = label.style.height = size + "px";
        const icon = L.divIcon({ html: label, className: "", iconSize: [size, size] });
        const marker = L.marker([c.lat, c.lon], { icon: icon, keyboard: true,
          title: fmt(stacked ? t.clusterSelect : t.cluster, { count: c.count }) });
        marker.on("click", () => {
          if (stacked) {
            const pad = 0.0005;
            addShape({ type: "rectangle", bounds: [w - pad, s - pad, e + pad, n + pad] },
              L.rectangle([[s - pad, w - pad], [n + pad, e + pad]]));
          } else if (onePlace) {
            map.setView([c.lat, c.lon], STACK_ZOOM);
          } else {
            map.fitBounds([[s, w], [n, e]], { padding: [30, 30], maxZoom: map.getMaxZoom() });
          }
        });
        marker.addTo(dataLayer);
      });
    }

    function load() {
      if (controller) controller.abort();
      controller = new AbortController();
      const b = map.getBounds();
      const p = params({
        bbox: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()].map((v) => v.toFixed(6)).join(","),
        zoom: String(map.getZoom()),
      });
      statusEl.textContent = t.loading;
      fetch(config.dataUrl + "?" + p.toString(), { signal: controller.signal, credentials: "same-origin",
        headers: { Accept: "application/json" } })
        .then((r) => (r.ok ? r.json() : Promise.reject(r.status)))
        .then((data) => {
          dataLayer.clearLayers();
          drawPoints(data.points);
          drawClusters(data.clusters);
          statusEl.textContent = data.summary || "";
          container.dataset.mode = data.mode;
          container.dataset.total = data.total;
          container.dispatchEvent(new CustomEvent("crm:map-loaded", { detail: data }));
        })
        .catch((err) => { if (err && err.name === "AbortError") return; statusEl.textContent = t.failed; });
    }
    function scheduleLoad() { clearTimeout(timer); timer = setTimeout(load, 120); }

    // --- selection --------------------------------------------------------------------------
    const shapes = new Map(); // layer id -> shape
    function geometry() {
      return { shapes: Array.from(shapes.values()), ids: Array.from(state.ids) };
    }
    function refreshSelection() {
      const target = document.getElementById("selection-result");
      const url = config.previewUrl + "?" + params().toString();
      if (window.htmx) {
        htmx.ajax("POST", url, { target: target, swap: "innerHTML", source: target,
          values: { geometry: JSON.stringify(geometry()) } });
      }
    }
    function shapeOf(layer, type) {
      if (type === "circle") {
        const c = layer.getLatLng();
        return { type: "circle", center: [c.lat, c.lng], radius: layer.getRadius() };
      }
      if (type === "rectangle") {
        const b = layer.getBounds();
        return { type: "rectangle", bounds: [b.getWest(), b.getSouth(), b.getEast(), b.getNorth()] };
      }
      const ring = layer.getLatLngs()[0];
      return { type: "polygon", points: ring.map((ll) => [ll.lat, ll.lng]) };
    }
    function addShape(shape, layer) {
      layer.setStyle && layer.setStyle({ color: "#dc3545", weight: 2, fillOpacity: 0.08 });
      drawn.addLayer(layer);
      shapes.set(L.stamp(layer), shape);
      refreshSelection();
    }

    if (L.Control && L.Control.Draw) {
      const shapeOptions = { color: "#dc3545", weight: 2, fillOpacity: 0.08 };
      map.addControl(new L.Control.Draw({
        position: "topleft",
        draw: {
          rectangle: { showArea: false, shapeOptions },
          circle: { showRadius: true, shapeOptions },
          polygon: { allowIntersection: false, showArea: false, shapeOptions },
          polyline: false, marker: false, circlemarker: false,
        },
        edit: { featureGroup: drawn, edit: false, remove: true },
      }));
      map.on(L.Draw.Event.CREATED, (e) => addShape(shapeOf(e.layer, e.layerType), e.layer));
      map.on(L.Draw.Event.DELETED, (e) => {
        e.layers.eachLayer((layer) => shapes.delete(L.stamp(layer)));
        refreshSelection();
      });
    }

    const clickButton = document.getElementById("select-click");
    if (clickButton) {
      clickButton.addEventListener("click", () => {
        state.clickSelect = !state.clickSelect;
        clickButton.setAttribute("aria-pressed", String(state.clickSelect));
        clickButton.classList.toggle("active", state.clickSelect);
        container.classList.toggle("crm-click-select", state.clickSelect);
      });
    }
    const clearButton = document.getElementById("select-clear");
    if (clearButton) {
      clearButton.addEventListener("click", () => {
        drawn.clearLayers(); shapes.clear(); state.ids.clear();
        load(); refreshSelection();
      });
    }
    // --- customers near me: the browser's position, asked for only when the button is pressed ---
    const nearPanel = document.querySelector("[data-testid=near-panel]");
    const nearButton = document.getElementById("near-me");
    const nearResult = document.getElementById("near-result");
    let nearLayer = null;
    let locating = false;
    function nearMessage(text, isError) {
      nearResult.replaceChildren(el("p", { className: isError ? "text-danger mb-0" : "text-muted small mb-0",
        "data-testid": isError ? "near-error" : "near-status" }, text));
    }
    function showNear(lat, lon) {
      if (nearLayer) map.removeLayer(nearLayer);
      const here = L.latLng(lat, lon);
      const area = L.circle(here, { radius: config.nearRadius, color: "#146c43", weight: 2, fill: false,
        dashArray: "6 6", interactive: false });
      const dot = L.circleMarker(here, { radius: 9, color: "#ffffff", weight: 3, fillColor: "#146c43", fillOpacity: 1 });
      dot.bindTooltip(el("span", {}, t.nearHere), { direction: "top" });
      nearLayer = L.layerGroup([area, dot]).addTo(map);
      map.fitBounds(area.getBounds());
      const near = lat.toFixed(6) + "," + lon.toFixed(6);
      container.dataset.near = near;
      const url = config.nearUrl + "?" + params({ near: near }).toString();
      if (window.htmx) htmx.ajax("GET", url, { target: nearResult, swap: "innerHTML", source: nearResult });
    }
    if (nearPanel && nearButton && nearResult && config.nearUrl) {
      nearButton.classList.remove("invisible");
      nearButton.addEventListener("click", () => {
        if (locating) return;
        if (!navigator.geolocation) { nearMessage(t.nearUnsupported, true); return; }
        locating = true;
        nearButton.setAttribute("aria-busy", "true");
        nearMessage(t.nearLocating, false);
        const done = () => { locating = false; nearButton.removeAttribute("aria-busy"); };
        navigator.geolocation.getCurrentPosition(
          (pos) => { done(); showNear(pos.coords.latitude, pos.coords.longitude); },
          (err) => { done(); nearMessage(err && err.code === 1 ? t.nearDenied : t.nearUnavailable, true); },
          { enableHighAccuracy: false, timeout: 15000, maximumAge: 60000 });
      });
    }

    // Keep the legend in the URL and in the filter form, so reloading or filtering keeps it.
    function rememberLegend() {
      const form = document.querySelector("[data-testid=map-filters]");
      if (form) {
        form.querySelectorAll("input[type=hidden][name=hide]").forEach((input) => input.remove());
        hidden().forEach((value) => form.appendChild(el("input", { type: "hidden", name: "hide", value: value })));
      }
      const query = params().toString();
      window.history.replaceState(null, "", window.location.pathname + (query ? "?" + query : ""));
    }
    document.querySelectorAll("#map-legend input[name=legend]").forEach((box) => {
      box.addEventListener("change", () => {
        rememberLegend();
        load();
        if (shapes.size || state.ids.size) refreshSelection();
      });
    });

    map.on("moveend", scheduleLoad);
    load();
  }

  // --- the customer's small map -----------------------------------------------------------------
  function initMiniMap(container) {
    const config = readConfig(container.dataset.configId);
    if (!config || typeof L === "undefined") return;
    const located = config.lat !== null && config.lon !== null;
    localize(config);
    const map = L.map(container, { scrollWheelZoom: false });
    container.__crmMap = map;
    tileLayer(config).addTo(map);
    map.setView(located ? [config.lat, config.lon] : config.center, config.zoom);
    const form = container.closest("section") && container.closest("section").querySelector(".crm-pin-form");
    const latInput = form && form.querySelector("input[name=latitude]");
    const lonInput = form && form.querySelector("input[name=longitude]");
    let marker = null;

    function place(latlng) {
      if (!marker) {
        marker = L.marker(latlng, { draggable: !!config.editable, keyboard: true }).addTo(map);
        marker.on("dragend", () => update(marker.getLatLng()));
      } else {
        marker.setLatLng(latlng);
      }
    }
    function update(latlng) {
      if (!latInput) return;
      latInput.value = latlng.lat.toFixed(6);
      lonInput.value = latlng.lng.toFixed(6);
      form.classList.add("crm-pin-changed");
    }
    if (located) place([config.lat, config.lon]);
    if (config.editable) {
      map.on("click", (e) => { place(e.latlng); update(e.latlng); });
    }
  }

  function start() {
    const page = document.getElementById("crm-map");
    if (page) initMapPage(page);
    document.querySelectorAll(".crm-mini-map").forEach(initMiniMap);
  }
  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", start);
  else start();
})();
