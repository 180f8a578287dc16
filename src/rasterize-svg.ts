/**
 * SVG to PNG with resvg (`@resvg/resvg-js`: native code shipped as prebuilt binaries, no install
 * script). Kept out of src/render, which is pure: render draws the chart as SVG
 * (render/chart.ts); the shells turn it into a PNG here (`revgap customer --chart`, and the bot
 * through the `ChartRasterizer` the deep-dive use-case is given).
 *
 * Text is drawn with the system's fonts (DejaVu Sans, Helvetica or Arial when present); on a machine
 * with no fonts at all the bars and lines still draw, without their labels.
 */
import { Resvg } from '@resvg/resvg-js';

/** Renders `svg` at `scale` times its size (2 = sharp on high-density screens) as PNG bytes. */
export function rasterizeSvg(svg: string, options: { scale?: number } = {}): Uint8Array {
  const resvg = new Resvg(svg, {
    fitTo: { mode: 'zoom', value: options.scale ?? 2 },
    font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
    background: '#ffffff',
  });
  return resvg.render().asPng();
}
