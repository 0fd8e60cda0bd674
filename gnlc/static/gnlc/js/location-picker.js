/* The location field of a member's profile: a click on the map fills in the latitude and
 * longitude fields, and typing in them moves the marker.
 *
 * The map is drawn by map.js (loaded before this file); this script only adds the
 * marker and the click. Without JavaScript the map stays hidden and the two number
 * fields do the job alone.
 *
 *   [data-location-picker]      the map's container, hidden until this script runs
 *   data-latitude-input         id of the latitude field (on the map element)
 *   data-longitude-input        id of the longitude field
 */
(function () {
  "use strict";

  // A ten-thousandth of a degree (about 11 m): finer than a click on this map can be.
  var DECIMALS = 4;

  function cssVar(name, fallback) {
    var value = getComputedStyle(document.documentElement).getPropertyValue(name).trim();
    return value || fallback;
  }

  function readPoint(latitudeInput, longitudeInput) {
    var lat = parseFloat(latitudeInput.value);
    var lon = parseFloat(longitudeInput.value);
    if (isNaN(lat) || isNaN(lon) || Math.abs(lat) > 90 || Math.abs(lon) > 180) return null;
    return [lat, lon];
  }

  // Leaflet gives longitudes beyond +-180 after panning round the world: bring them back.
  function wrapLongitude(lon) {
    return ((((lon + 180) % 360) + 360) % 360) - 180;
  }

  function setUp(container) {
    var element = container.querySelector("[data-map]");
    var map = element && element.gnlcMap;
    var latitudeInput = document.getElementById(element.dataset.latitudeInput);
    var longitudeInput = document.getElementById(element.dataset.longitudeInput);
    if (!map || !latitudeInput || !longitudeInput) return;

    // The marker's own pane sits above the country outlines, whenever they are drawn.
    map.createPane("picked").style.zIndex = 450;
    var marker = null;

    function show(point, zoom) {
      if (!point) {
        if (marker) marker.remove();
        marker = null;
        return;
      }
      if (!marker) {
        marker = L.circleMarker(point, {
          pane: "picked",
          radius: 8,
          color: cssVar("--map-marker-edge", "#ffffff"),
          weight: 2,
          fillColor: cssVar("--map-marker", "#0b63b6"),
          fillOpacity: 0.95,
        }).addTo(map);
        if (element.dataset.label) {
          var label = document.createElement("span");
          label.textContent = element.dataset.label;
          label.dir = "auto";
          marker.bindTooltip(label);
        }
      } else {
        marker.setLatLng(point);
      }
      if (zoom) map.setView(point, Math.max(map.getZoom(), zoom));
    }

    map.on("click", function (event) {
      var lat = event.latlng.lat;
      var lon = wrapLongitude(event.latlng.lng);
      latitudeInput.value = lat.toFixed(DECIMALS);
      longitudeInput.value = lon.toFixed(DECIMALS);
      // Other listeners (and the browser's own validation) see the change as typed.
      latitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
      longitudeInput.dispatchEvent(new Event("change", { bubbles: true }));
      // The marker stays on the copy of the world that was clicked.
      show([lat, event.latlng.lng], 0);
    });

    function fromFields() {
      show(readPoint(latitudeInput, longitudeInput), 4);
    }
    latitudeInput.addEventListener("input", fromFields);
    longitudeInput.addEventListener("input", fromFields);
    map.getContainer().style.cursor = "crosshair";
    fromFields();
    element.dataset.picker = "ready";
  }

  // Shown before map.js draws the map (both scripts are deferred, this one after), so the
  // map is drawn at its real size.
  var pickers = document.querySelectorAll("[data-location-picker]");
  pickers.forEach(function (container) { container.hidden = false; });

  document.addEventListener("DOMContentLoaded", function () {
    if (!window.L) return;
    pickers.forEach(setUp);
  });
})();
