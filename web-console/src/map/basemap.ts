import L from "leaflet";

/**
 * The offline basemap: approximate GeoJSON outlines (city, districts, river, main roads) shipped
 * with the console in `public/geo/`, because command-center networks often have no internet.
 * They are the fallback: with a street map (street-map.ts) they are not drawn, since approximate
 * roads over real ones would mislead.
 */
interface GeoLayerSpec {
  file: string;
  style: L.PathOptions | ((kind: string | undefined) => L.PathOptions);
  /** CSS class of permanent labels from `properties.name` at each feature's centre; none when absent. */
  labelClass?: string;
}

const LAYERS: GeoLayerSpec[] = [
  { file: "hcmc-boundary.geojson", style: { color: "#3b4a5e", weight: 2, fillColor: "#111821", fillOpacity: 0.6, dashArray: "6 4" } },
  { file: "hcmc-districts.geojson", style: { color: "#2c3848", weight: 1, fillColor: "#141c26", fillOpacity: 0.55 }, labelClass: "geo-label" },
  { file: "hcmc-water.geojson", style: { color: "#1b3850", weight: 1, fillColor: "#112a40", fillOpacity: 0.95 } },
  {
    file: "hcmc-roads.geojson",
    style: (kind) => (kind === "major" ? { color: "#3f4b5c", weight: 3, opacity: 0.9 } : { color: "#323c4a", weight: 2, opacity: 0.8 }),
    labelClass: "road-label",
  },
];

export async function addOfflineBasemap(map: L.Map, options: { baseUrl?: string } = {}): Promise<L.Layer[]> {
  const layers: L.Layer[] = [];
  for (const spec of LAYERS) {
    try {
      const res = await fetch(`${options.baseUrl ?? ""}/geo/${spec.file}`);
      if (!res.ok) continue;
      const data = (await res.json()) as GeoJSON.GeoJsonObject;
      const layer = L.geoJSON(data, {
        interactive: false,
        style: (feature) => {
          const kind = (feature?.properties as { kind?: string } | null)?.kind;
          return typeof spec.style === "function" ? spec.style(kind) : spec.style;
        },
        onEachFeature: (feature, lyr) => {
          const name = (feature.properties as { name?: unknown } | null)?.name;
          if (spec.labelClass && typeof name === "string") {
            const label = document.createElement("span");
            label.textContent = name;
            lyr.bindTooltip(label, { permanent: true, direction: "center", className: spec.labelClass });
          }
        },
      });
      layer.addTo(map);
      layers.push(layer);
    } catch {
      // A missing outline only makes the map plainer; cameras and alerts still work.
    }
  }
  return layers;
}
