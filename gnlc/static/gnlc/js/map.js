/* Maps of members, drawn with Leaflet on an offline basemap.
 *
 * Every element with [data-map] becomes a map. There is no tile layer: the basemap is
 * the Natural Earth country outlines from the npm package world-atlas (TopoJSON, served
 * from our own static files and converted here with topojson-client), so the map works
 * with no internet connection and sends no request anywhere but this site.
 *
 *   data-basemap     URL of countries-110m.json
 *   data-geojson     URL of a members GeoJSON (the maps' feed, /map/members.geojson),
 *                    optional; past some thousands of members the feed gives one point
 *                    per country ("drawn": "countries"), drawn sized by its members
 *   data-member-url  member page URL with "__slug__" in place of the slug
 *   data-cluster     cluster the markers (leaflet.markercluster)
 *   data-point       "lat,lon" of a single marker, with data-label its name
 */
(function () {
  "use strict";

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function fetchJSON(url) {
    return fetch(url, { headers: { Accept: "application/json" }, credentials: "same-origin" })
      .then(function (response) {
        if (!response.ok) throw new Error(url + ": HTTP " + response.status);
        return response.json();
      });
  }

  // Natural Earth rings that cross the antimeridian (Russia, Fiji) jump from +180 to
  // -180; drawn as they are, they streak across the map. Unwrap each ring so that
  // consecutive points are never more than 180 degrees of longitude apart.
  function unwrapRing(ring) {
    var shift = 0;
    var previous = null;
    return ring.map(function (point) {
      if (previous !== null) {
        var step = point[0] - previous;
        if (step > 180) shift -= 360;
        else if (step < -180) shift += 360;
      }
      previous = point[0];
      return [point[0] + shift, point[1]];
    });
  }

  function unwrapGeometry(geometry) {
    if (geometry.type === "Polygon") {
      geometry.coordinates = geometry.coordinates.map(unwrapRing);
    } else if (geometry.type === "MultiPolygon") {
      geometry.coordinates = geometry.coordinates.map(function (polygon) {
        return polygon.map(unwrapRing);
      });
    }
  }

  function drawBasemap(map, url) {
    return fetchJSON(url).then(function (topology) {
      var countries = topojson.feature(topology, topology.objects.countries);
      // Antarctica (ISO 3166 numeric 010) has no members and dwarfs everything at low zoom.
      countries.features = countries.features.filter(function (feature) {
        return feature.id !== "010" && feature.geometry;
      });
      countries.features.forEach(function (feature) { unwrapGeometry(feature.geometry); });
      L.geoJSON(countries, {
        // Its own pane, under the markers' (site.css): the outlines arrive after the
        // markers (they are fetched), and in the shared overlay pane they were drawn
        // over them, hiding every inland city.
        pane: "basemap",
        interactive: false,
        style: {
          color: cssVar("--map-border", "#9aa7b4"),
          weight: 0.6,
          fillColor: cssVar("--map-land", "#e4e9ee"),
          fillOpacity: 1,
        },
      }).addTo(map);
    });
  }

  function markerStyle(radius) {
    return {
      radius: radius || 6,
      color: cssVar("--map-marker-edge", "#ffffff"),
      weight: 1.5,
      fillColor: cssVar("--map-marker", "#0b63b6"),
      fillOpacity: 0.95,
    };
  }

  // Popups are built from DOM nodes, never from HTML strings: names come from data.
  // A link (a member's or a country's page) named `name`, with a line of `meta` under it.
  function popup(href, name, meta) {
    var box = document.createElement("div");
    var link = document.createElement("a");
    link.href = href;
    link.textContent = name;
    // A Latin name in an Arabic page ("'s-Hertogenbosch") keeps its own direction.
    link.dir = "auto";
    var line = document.createElement("div");
    line.className = "map-popup__meta";
    line.textContent = meta;
    box.appendChild(link);
    box.appendChild(line);
    return box;
  }

  function popupFor(properties, memberUrl) {
    return popup(
      memberUrl.replace("__slug__", encodeURIComponent(properties.slug)),
      properties.name,
      properties.country + (properties.cohort_year ? " · " + properties.cohort_year : "")
    );
  }

  // Leaflet puts a tooltip's string in as HTML: give it a text node instead.
  function textNode(text) {
    var span = document.createElement("span");
    span.textContent = text || "";
    span.dir = "auto";
    return span;
  }

  function drawMembers(map, element) {
    var memberUrl = element.dataset.memberUrl || "";
    return fetchJSON(element.dataset.geojson).then(function (collection) {
      // Countries are not clustered: a cluster would count countries, not members.
      var byCountry = collection.drawn === "countries";
      var clustered = element.hasAttribute("data-cluster") && L.markerClusterGroup && !byCountry;
      var group = clustered
        ? L.markerClusterGroup({ showCoverageOnHover: false, maxClusterRadius: 40 })
        : L.featureGroup();
      collection.features.forEach(function (feature) {
        if (!feature.geometry) return;
        var lonLat = feature.geometry.coordinates;
        var properties = feature.properties;
        var marker;
        if (byCountry) {
          // Grows with its members: 6 px for one, 10 for ten, 18 for a thousand.
          var radius = 6 + 4 * Math.log10(properties.members);
          marker = L.circleMarker([lonLat[1], lonLat[0]], markerStyle(radius));
          marker.bindPopup(popup(properties.url, properties.country, properties.label));
          marker.bindTooltip(textNode(properties.country + " · " + properties.label));
        } else {
          marker = L.circleMarker([lonLat[1], lonLat[0]], markerStyle());
          marker.bindPopup(popupFor(properties, memberUrl));
          marker.bindTooltip(textNode(properties.name));
        }
        group.addLayer(marker);
      });
      group.addTo(map);
      element.dataset.markers = String(group.getLayers().length);
    });
  }

  function init(element) {
    if (element.dataset.ready) return;
    element.dataset.ready = "1";
    var small = element.classList.contains("map--small");
    var map = L.map(element, {
      worldCopyJump: true,
      minZoom: 1,
      maxZoom: 10,
      zoomSnap: 0.5,
      scrollWheelZoom: !small,
      attributionControl: false,
      zoomControl: false,
    });
    // Other scripts of the page (location-picker.js) reach the map through its element.
    element.gnlcMap = map;
    // The zoom buttons sit at the start of the reading direction: top right in Arabic.
    var rtl = document.documentElement.dir === "rtl";
    L.control.zoom({ position: rtl ? "topright" : "topleft" }).addTo(map);
    map.createPane("basemap");
    map.setView([20, 10], small ? 1 : 2);
    var work = [drawBasemap(map, element.dataset.basemap)];
    if (element.dataset.geojson) work.push(drawMembers(map, element));
    if (element.dataset.point) {
      var point = element.dataset.point.split(",").map(Number);
      L.circleMarker(point, markerStyle()).bindTooltip(textNode(element.dataset.label)).addTo(map);
      map.setView(point, 4);
    }
    Promise.all(work)
      .then(function () { element.dataset.loaded = "1"; })
      .catch(function (error) {
        element.dataset.error = String(error);
        if (window.console) console.error(error);
      });
  }

  function initAll(root) {
    if (!window.L) return;
    (root || document).querySelectorAll("[data-map]").forEach(init);
  }

  document.addEventListener("DOMContentLoaded", function () { initAll(document); });
})();
