package reports

import (
	"image/color"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// band shades an x interval over the full height of a plot's data area. It
// has no data range on purpose: the shading must follow the axes the data
// chose, not stretch them.
type band struct {
	from, to float64
	fill     color.Color
}

func (b band) Plot(c draw.Canvas, p *plot.Plot) {
	x, _ := p.Transforms(&c)
	x0, x1 := max(x(b.from), c.Min.X), min(x(b.to), c.Max.X)
	if x1 <= x0 {
		return
	}
	c.FillPolygon(b.fill, []vg.Point{{X: x0, Y: c.Min.Y}, {X: x1, Y: c.Min.Y}, {X: x1, Y: c.Max.Y}, {X: x0, Y: c.Max.Y}})
}

func (b band) Thumbnail(c *draw.Canvas) {
	c.FillPolygon(b.fill, []vg.Point{c.Min, {X: c.Max.X, Y: c.Min.Y}, c.Max, {X: c.Min.X, Y: c.Max.Y}})
}

// layer is a plotter with its legend text.
type layer struct {
	name string
	p    interface {
		plot.Plotter
		plot.Thumbnailer
	}
}

// mark is a vertical line at one instant, for events with no duration.
type mark struct {
	at    float64
	style draw.LineStyle
}

func (m mark) Plot(c draw.Canvas, p *plot.Plot) {
	x, _ := p.Transforms(&c)
	if xv := x(m.at); c.ContainsX(xv) {
		c.StrokeLine2(m.style, xv, c.Min.Y, xv, c.Max.Y)
	}
}

func (m mark) Thumbnail(c *draw.Canvas) {
	x := (c.Min.X + c.Max.X) / 2
	c.StrokeLine2(m.style, x, c.Min.Y, x, c.Max.Y)
}

// Fault-window colours: translucent, so the data stays readable beneath.
var (
	prepareFill    = color.NRGBA{R: 90, G: 155, B: 212, A: 50}
	faultFill      = color.NRGBA{R: 230, G: 60, B: 60, A: 60}
	recoveringFill = color.NRGBA{R: 240, G: 180, B: 40, A: 60}
	effectLine     = draw.LineStyle{Color: color.NRGBA{R: 160, G: 0, B: 0, A: 255}, Width: vg.Points(1.2), Dashes: []vg.Length{vg.Points(4), vg.Points(3)}}
)

// windowPlotters shades the fault's phases: prepare (prepared → injected),
// fault (injected → healed), recovering (healed → recovered), and marks the
// instant the fault was seen to take effect. A phase the run never reached
// (time zero) is left out.
func windowPlotters(f schema.FaultRecord) []layer {
	var out []layer
	phase := func(name string, from, to float64, fill color.Color) {
		if from > 0 && to > from {
			out = append(out, layer{name, band{from, to, fill}})
		}
	}
	phase("prepare", f.PreparedAt, f.InjectedAt, prepareFill)
	phase("fault", f.InjectedAt, f.HealedAt, faultFill)
	phase("recovering", f.HealedAt, f.RecoveredAt, recoveringFill)
	if f.EffectAt > 0 {
		out = append(out, layer{"effect seen", mark{f.EffectAt, effectLine}})
	}
	return out
}
