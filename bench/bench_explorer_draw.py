"""How fast does the explorer draw at its caps? Layout time and frame rate in headless Chromium.

    python bench/bench_explorer_draw.py [--sizes 10,30,60,150,300,500] [--repeat 3] [--seconds 2]

It starts the real app (`ownerscope demo` on a scratch store), opens the explorer in Debian's Chromium
(Playwright, as the browser tests do) and, on the page's own Cytoscape instance with the app's own
stylesheet, draws seeded generated graphs of N nodes (an ownership tree with fan-in, every edge labelled
with a share as the app labels them, a third of the nodes listed with a status ring), runs each layout
the app uses (dagre hierarchy, concentric, cose force) and times it, then animates a pan and zoom for
`--seconds` and counts the frames drawn (requestAnimationFrame). The smallest size is the reference:
every figure is also given as a ratio to it, measured in the same run. Headless Chromium renders in
software (no GPU), so frame rates are a floor for a desktop browser. Prints a Markdown table, the
machine and the load average before and after.
"""

from __future__ import annotations

import argparse
import os
import platform
import sys
import tempfile
import time
from datetime import datetime, timezone
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.ui.browser import browser_page, running_app  # noqa: E402

DRAW = """async ([n, layout, seconds]) => {
  const cy = document.querySelector('#graph')._cyreg.cy;
  let seed = 7 + n;
  const rnd = () => { seed = (seed * 1103515245 + 12345) % 2147483648; return seed / 2147483648; };
  const types = ['company', 'person', 'organization', 'vessel'];
  const els = [];
  for (let i = 0; i < n; i++) {
    const listed = rnd() < 0.33;
    els.push({group: 'nodes', data: {id: 'n' + i, name: 'Entity ' + i,
              label: 'Generated entity number ' + i + (listed ? '\\n[US, EU]' : '')},
              classes: types[i % 4] + (listed ? ' listed st-listed' : (rnd() < 0.2 ? ' st-exposed' : ''))});
  }
  for (let i = 1; i < n; i++) {
    const parent = Math.floor(rnd() * i);
    els.push({group: 'edges', data: {id: 'e' + i, source: 'n' + parent, target: 'n' + i,
              label: Math.round(rnd() * 100) + '%'}, classes: 'ownership'});
    if (rnd() < 0.15 && i > 2) {
      const other = Math.floor(rnd() * i);
      if (other !== parent) els.push({group: 'edges', data: {id: 'f' + i, source: 'n' + other, target: 'n' + i,
                                      label: '?%'}, classes: 'ownership ended'});
    }
  }
  cy.elements().remove();
  const t0 = performance.now();
  cy.add(els);
  const opts = {dagre: {name: 'dagre', rankDir: 'TB', nodeSep: 130, rankSep: 110, edgeSep: 20},
                concentric: {name: 'concentric', minNodeSpacing: 60, avoidOverlap: true},
                cose: {name: 'cose', nodeRepulsion: 9000, idealEdgeLength: 120, randomize: false}}[layout];
  const lay = cy.layout({...opts, animate: false, fit: true, padding: 30});
  const done = new Promise(r => lay.one('layoutstop', r));
  lay.run();
  await done;
  await new Promise(r => requestAnimationFrame(() => requestAnimationFrame(r)));
  const layoutMs = performance.now() - t0;
  let frames = 0, running = true;
  const tick = () => { if (running) { frames++; requestAnimationFrame(tick); } };
  requestAnimationFrame(tick);
  const start = performance.now(), z = cy.zoom();
  await new Promise(r => {
    const step = () => {
      const t = (performance.now() - start) / 1000;
      if (t >= seconds) { running = false; r(); return; }
      cy.viewport({zoom: z * (1 + 0.3 * Math.sin(t * 3)), pan: {x: 200 * Math.sin(t * 2), y: 100 * Math.cos(t * 2)}});
      setTimeout(step, 0);
    };
    step();
  });
  const fps = frames / ((performance.now() - start) / 1000);
  return {layoutMs, fps, drawn: cy.nodes().length};
}"""


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes", default="10,30,60,150,300,500")
    ap.add_argument("--layouts", default="dagre,concentric,cose")
    ap.add_argument("--repeat", type=int, default=3)
    ap.add_argument("--seconds", type=float, default=2.0)
    args = ap.parse_args()
    sizes = [int(x) for x in args.sizes.split(",")]
    layouts = args.layouts.split(",")
    load_before = os.getloadavg()
    rows = []
    with tempfile.TemporaryDirectory() as tmp:
        env = {**os.environ, "OWNERSCOPE_HOME": str(Path(tmp) / "home")}
        with running_app(["demo", "--store", str(Path(tmp) / "demo.lbug")], env) as url, \
                browser_page() as (page, errors):
            page.goto(url + "/")
            page.wait_for_function("() => { const el = document.querySelector('#graph'); "
                                   "return !!(el && el._cyreg && el._cyreg.cy); }", timeout=60000)
            for layout in layouts:
                for n in sizes:
                    best = None
                    for _ in range(args.repeat):
                        r = page.evaluate(DRAW, [n, layout, args.seconds])
                        assert r["drawn"] == n, r
                        best = r if best is None else {"layoutMs": min(best["layoutMs"], r["layoutMs"]),
                                                       "fps": max(best["fps"], r["fps"]), "drawn": n}
                    rows.append((layout, n, best["layoutMs"], best["fps"]))
                    print(f"{layout} {n}: layout {best['layoutMs']:.0f} ms, {best['fps']:.1f} fps", file=sys.stderr)
            assert not errors, errors
    load_after = os.getloadavg()
    ref = {layout: next(r for r in rows if r[0] == layout and r[1] == sizes[0]) for layout in layouts}
    print(f"Machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
          f"headless Chromium (software rendering); date {datetime.now(timezone.utc).isoformat(timespec='minutes')}; "
          f"load average before {load_before[0]:.1f} / {load_before[1]:.1f}, after {load_after[0]:.1f} / "
          f"{load_after[1]:.1f}; best of {args.repeat}, {args.seconds:g} s of pan and zoom per figure.\n")
    print(f"| layout | nodes | layout + first draw | × the {sizes[0]}-node graph | frames/s while panning | "
          f"× the {sizes[0]}-node graph |")
    print("|---|---|---|---|---|---|")
    for layout, n, ms, fps in rows:
        r = ref[layout]
        print(f"| {layout} | {n} | {ms:,.0f} ms | {ms / r[2]:.1f} | {fps:.1f} | {fps / r[3]:.2f} |")


if __name__ == "__main__":
    t = time.time()
    main()
    print(f"\n({time.time() - t:.0f} s in all)", file=sys.stderr)
