/**
 * SVG to PNG with resvg (`@resvg/resvg-js`: native code shipped as prebuilt binaries, no install
 * script). Kept out of src/render, which is pure: render draws the chart as SVG
 * (render/chart.ts); the shells turn it into a PNG here (`revgap customer --chart`, and the bot
 * through the `ChartRasterizer` the deep-dive use-case is given).
 *
 * Text is drawn with the system's fonts (DejaVu Sans, Helvetica or Arial when present); on a machine
 * with no fonts at all the bars and lines still draw, without their labels.
 */
import { Resvg, type ResvgRenderOptions, renderAsync } from '@resvg/resvg-js';

const renderOptions = (scale: number): ResvgRenderOptions => ({
  fitTo: { mode: 'zoom', value: scale },
  font: { loadSystemFonts: true, defaultFontFamily: 'DejaVu Sans' },
  background: '#ffffff',
});

/** Renders `svg` at `scale` times its size (2 = sharp on high-density screens) as PNG bytes. */
export function rasterizeSvg(svg: string, options: { scale?: number } = {}): Uint8Array {
  return new Resvg(svg, renderOptions(options.scale ?? 2)).render().asPng();
}

/**
 * The same on libuv's thread pool: the bot's event loop keeps answering while a chart is drawn
 * (30 to 50 ms of CPU each, measured on the 52-week chart; most of it loading the system fonts).
 */
export async function rasterizeSvgAsync(svg: string, options: { scale?: number } = {}): Promise<Uint8Array> {
  return (await renderAsync(svg, renderOptions(options.scale ?? 2))).asPng();
}
