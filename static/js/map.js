// The interactive map: progressive enhancement of the server-drawn SVG map (includes/map.html).
// Leaflet and Leaflet.markercluster are served from static/vendor/ and loaded only on pages
// with a map; the base layer is the vendored world-atlas as GeoJSON (no tiles, nothing from the
// web); the points come from the SVG's address with .json (directory/graphics.py map_data).
// Without JavaScript, or if anything fails to load, the SVG stays.
(function () {
  "use strict";
  if (window.twinningMap) return; // htmx re-runs this script with each swapped list
  window.twinningMap = true;

  var loading = {};

  function load(tag, url) {
    if (!loading[url]) {
      loading[url] = new Promise(function (resolve, reject) {
        var element = document.createElement(tag);
        if (tag === "link") {
          element.rel = "stylesheet";
          element.href = url;
        } else {
          element.src = url;
          element.async = false; // in order: the clusters extend Leaflet
        }
        element.onload = resolve;
        element.onerror = reject;
        document.head.appendChild(element);
      });
    }
    return loading[url];
  }

  function getJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" }).then(
      function (response) {
        if (!response.ok) throw new Error(url + ": " + response.status);
        return response.json();
      }
    );
  }

  function libraries(figure) {
    var data = figure.dataset;
    return Promise.all([
      load("link", data.mapLeafletCss),
      load("link", data.mapClusterCss),
      load("script", data.mapLeaflet).then(function () { return load("script", data.mapCluster); }),
    ]);
  }

  var worlds = {};
  function world(url) {
    if (!worlds[url]) worlds[url] = getJSON(url);
    return worlds[url];
  }

  // Text, never markup: names come from the records.
  function text(tag, content, className) {
    var element = document.createElement(tag);
    element.textContent = content;
    element.dir = "auto";
    if (className) element.className = className;
    return element;
  }

  function go(url) {
    return function () { window.location.assign(url); };
  }

  function build(figure, data, countries) {
    var L = window.L;
    var lang = document.documentElement.lang || undefined;
    var digits = new Intl.NumberFormat(lang);
    // An icon whose element carries its label for screen readers (Leaflet makes it a
    // focusable button: Tab reaches it, Enter selects it).
    var LabelledIcon = L.DivIcon.extend({
      createIcon: function (old) {
        var element = L.DivIcon.prototype.createIcon.call(this, old);
        element.setAttribute("aria-label", this.options.label);
        return element;
      },
    });

    var stack = figure.querySelector(".map-stack");
    if (!data.links.length && !data.cities.length) {
      // Nothing to draw: an empty world would look like a map that failed. The caption says why.
      var said = figure.querySelector("figcaption");
      if (said) said.textContent = data.caption;
      stack.hidden = true;
      figure.classList.add("map-empty");
      return;
    }
    var canvas = document.createElement("div");
    canvas.className = "map-canvas";
    canvas.dir = "ltr"; // a map has no reading direction; its labels and legend keep the page's
    canvas.setAttribute("role", "region");
    canvas.setAttribute("aria-label", data.labels.region);
    stack.parentNode.insertBefore(canvas, stack);
    figure.classList.add("map-interactive");

    var map = L.map(canvas, {
      zoomControl: false,
      attributionControl: false,
      minZoom: 1,
      maxZoom: 10,
      worldCopyJump: false,
      maxBounds: [[-85, -240], [85, 240]],
      maxBoundsViscosity: 0.8,
    });
    // Fitted to the records first: layers are drawn for a view.
    var points = data.cities.map(function (city) { return [city.lat, city.lon]; });
    if (points.length) map.fitBounds(points, { padding: [28, 28], maxZoom: 6 });
    else map.fitWorld();
    L.control.zoom({ zoomInTitle: data.labels.zoomIn, zoomOutTitle: data.labels.zoomOut }).addTo(map);
    L.geoJSON(countries, {
      interactive: false,
      style: { color: "#ffffff", weight: 0.6, fillColor: "#d5dde4", fillOpacity: 1 },
    }).addTo(map);

    var cities = data.cities;
    data.links.forEach(function (link) {
      var a = cities[link.a], b = cities[link.b];
      var lon = b.lon;
      // The short way round: across the antimeridian rather than across the whole map.
      if (lon - a.lon > 180) lon -= 360;
      else if (a.lon - lon > 180) lon += 360;
      L.polyline([[a.lat, a.lon], [b.lat, lon]], {
        color: "#1d5a86", opacity: 0.55, weight: 1.5, className: "map-link",
      })
        .bindTooltip(text("span", link.label), { sticky: true })
        .on("click", go(link.url))
        .addTo(map);
    });

    var clusters = L.markerClusterGroup({
      showCoverageOnHover: false,
      maxClusterRadius: 40,
      iconCreateFunction: function (cluster) {
        var count = cluster.getChildCount();
        var size = count < 10 ? "small" : count < 100 ? "medium" : "large";
        return new LabelledIcon({
          html: "<span>" + digits.format(count) + "</span>",
          className: "marker-cluster map-cluster map-cluster-" + size,
          iconSize: L.point(36, 36),
          label: data.labels.cluster.replace("%s", digits.format(count)),
        });
      },
    });
    cities.forEach(function (city) {
      var marker = L.marker([city.lat, city.lon], {
        icon: new LabelledIcon({
          className: city.focus ? "map-city map-focus" : "map-city",
          iconSize: city.focus ? [20, 20] : [14, 14],
          html: "",
          label: city.label,
        }),
        keyboard: true,
        riseOnHover: true,
        zIndexOffset: city.focus ? 1000 : 0,
      });
      marker.bindTooltip(text("span", city.focus ? city.name : city.label), {
        direction: city.focus ? "bottom" : "top",
        offset: city.focus ? [0, 10] : [0, -8],
        permanent: city.focus,
        className: city.focus ? "map-label map-label-focus" : "map-label",
      });
      marker.on("click", go(city.url));
      marker.on("keypress", function (event) {
        if (event.originalEvent.key === "Enter") go(city.url)();
      });
      if (city.focus) marker.addTo(map); // the page's own city: always itself, never a cluster
      else clusters.addLayer(marker);
    });
    map.addLayer(clusters);

    var legend = document.createElement("ul");
    legend.className = "map-legend";
    data.legend.forEach(function (entry) {
      var item = document.createElement("li");
      var key = document.createElement("span");
      key.className = "map-key map-key-" + entry.kind;
      key.setAttribute("aria-hidden", "true");
      item.appendChild(key);
      item.appendChild(text("span", entry.label));
      legend.appendChild(item);
    });
    figure.insertBefore(legend, figure.querySelector("figcaption"));

    var count = figure.querySelector("[data-map-count]");
    if (count) {
      count.textContent = data.caption;
      count.classList.toggle("map-capped", data.capped);
    }
    stack.hidden = true; // last: if anything above failed, the static map stays
    figure.twinningMap = map;
  }

  function enhance(figure) {
    if (figure.dataset.mapEnhanced) return;
    figure.dataset.mapEnhanced = "1";
    var source = figure.dataset.map.replace(/map\.svg(?=\?|$)/, "map.json");
    Promise.all([getJSON(source), world(figure.dataset.mapWorld), libraries(figure)])
      .then(function (results) { build(figure, results[0], results[1]); })
      .catch(function (error) {
        figure.dataset.mapEnhanced = "failed";
        var canvas = figure.querySelector(".map-canvas");
        if (canvas) canvas.remove();
        figure.classList.remove("map-interactive");
        if (window.console) console.warn("map: kept the static map", error);
      });
  }

  function enhanceAll() {
    document.querySelectorAll("figure.map[data-map]").forEach(enhance);
  }

  if (document.readyState === "loading") document.addEventListener("DOMContentLoaded", enhanceAll);
  else enhanceAll();
  document.addEventListener("htmx:afterSettle", enhanceAll);
})();
