package reports

import (
	"bytes"
	"fmt"
	"image/color"
	"math"
	"strconv"

	"gonum.org/v1/plot"
	"gonum.org/v1/plot/plotter"
	"gonum.org/v1/plot/plotutil"
	"gonum.org/v1/plot/vg"
	"gonum.org/v1/plot/vg/draw"
	"gonum.org/v1/plot/vg/vgsvg"

	"github.com/kafka-chaos/kafka-chaos/schema"
)

// Chart geometry: four stacked panels on the left, their legends in a
// column on the right so no legend hides data.
const (
	chartW  = 11 * vg.Inch
	chartH  = 9 * vg.Inch
	legendW = 2.3 * vg.Inch
)

// minLatencyMs keeps sub-microsecond latencies (acks=0 reports success at
// once) on the log axis, which cannot show zero.
const minLatencyMs = 0.01

// Chart renders a scenario's timeline as SVG: acks per second and p99
// latency per profile, partitions led per node and ISR size, each with the
// fault window shaded. colours maps a profile to its colour index, so a
// profile keeps its colour across scenarios.
func Chart(s schema.Scenario, colours map[string]int) ([]byte, error) {
	panels, err := chartPanels(s, colours)
	if err != nil {
		return nil, err
	}
	return drawPanels(panels, vgsvg.New(chartW, chartH))
}

func chartPanels(s schema.Scenario, colours map[string]int) ([]*plot.Plot, error) {
	xmax := timeSpan(s)
	throughput, latency := plot.New(), plot.New()
	throughput.Title.Text = fmt.Sprintf("%s (%s)", s.Name, s.Status)
	throughput.Y.Label.Text = "acks/s"
	latency.Y.Label.Text = "p99 latency (ms)"
	latency.Y.Scale, latency.Y.Tick.Marker = plot.LogScale{}, plot.LogTicks{Prec: -1}
	leaders, isr := clusterPanels(s)
	panels := []*plot.Plot{throughput, latency, leaders, isr}
	for _, p := range panels {
		p.Add(plotter.NewGrid())
		for _, l := range windowPlotters(s.Fault) {
			p.Add(l.p)
			if p == throughput {
				p.Legend.Add(l.name, l.p)
			}
		}
	}
	for _, pr := range s.Profiles {
		var acks, lat plotter.XYs
		for _, pt := range pr.Series {
			acks = append(acks, plotter.XY{X: float64(pt.T), Y: float64(pt.Acked)})
			if pt.Acked > 0 {
				lat = append(lat, plotter.XY{X: float64(pt.T), Y: max(pt.P99Ms, minLatencyMs)})
			}
		}
		c := plotutil.Color(colours[pr.Profile.Name])
		if err := addLine(throughput, pr.Profile.Name, acks, c, plotter.PostStep); err != nil {
			return nil, err
		}
		if err := addLine(latency, pr.Profile.Name, lat, c, plotter.NoStep); err != nil {
			return nil, err
		}
	}
	if !hasSeries(s) {
		throughput.Title.Text += ": no per-second series in results.json"
	}
	for _, p := range panels {
		p.X.Min, p.X.Max = 0, xmax
		p.X.Tick.Marker = plot.TickerFunc(secondTicks)
	}
	isr.X.Label.Text = "seconds since scenario start"
	fixRanges(panels)
	return panels, nil
}

func addLine(p *plot.Plot, name string, xys plotter.XYs, c color.Color, step plotter.StepKind) error {
	if len(xys) == 0 {
		return nil
	}
	l, err := plotter.NewLine(xys)
	if err != nil {
		return fmt.Errorf("plot %s: %w", name, err)
	}
	l.Color, l.Width, l.StepStyle = c, vg.Points(1.5), step
	p.Add(l)
	p.Legend.Add(name, l)
	return nil
}

// clusterPanels plots the timeline: how many partitions each node leads
// (and how many have no leader), the smallest and mean ISR size, and the
// mean replica set size, which a reassignment grows while it copies (the
// replicas it adds and those it removes both listed) and shrinks when it
// completes: the gap to the mean ISR is the copy still under way.
func clusterPanels(s schema.Scenario) (leaders, isr *plot.Plot) {
	leaders, isr = plot.New(), plot.New()
	leaders.Y.Label.Text = "partitions led"
	isr.Y.Label.Text = "ISR / replicas"
	nodes := max(s.Cluster.Nodes, 1)
	led := make([]plotter.XYs, nodes+1) // index 0: no leader
	var minISR, meanISR, meanReplicas plotter.XYs
	for _, smp := range s.Timeline {
		// A sample whose metadata request failed says nothing about the
		// cluster; skipping it joins its neighbours.
		if len(smp.Partitions) == 0 {
			continue
		}
		count := make([]int, nodes+1)
		lo, sum, replicas := len(smp.Partitions[0].ISR), 0, 0
		for _, p := range smp.Partitions {
			if n := int(p.Leader); n >= 1 && n <= nodes {
				count[n]++
			} else {
				count[0]++
			}
			lo, sum, replicas = min(lo, len(p.ISR)), sum+len(p.ISR), replicas+len(p.Replicas)
		}
		for n, c := range count {
			led[n] = append(led[n], plotter.XY{X: smp.At, Y: float64(c)})
		}
		minISR = append(minISR, plotter.XY{X: smp.At, Y: float64(lo)})
		meanISR = append(meanISR, plotter.XY{X: smp.At, Y: float64(sum) / float64(len(smp.Partitions))})
		meanReplicas = append(meanReplicas, plotter.XY{X: smp.At, Y: float64(replicas) / float64(len(smp.Partitions))})
	}
	for n := 1; n <= nodes; n++ {
		// Errors are impossible: the values are counts, never NaN.
		_ = addLine(leaders, fmt.Sprintf("node %d", n), led[n], plotutil.DarkColors[(n+1)%len(plotutil.DarkColors)], plotter.PostStep)
	}
	_ = addLine(leaders, "no leader", led[0], color.Black, plotter.PostStep)
	_ = addLine(isr, "smallest ISR", minISR, plotutil.Color(0), plotter.PostStep)
	_ = addLine(isr, "mean ISR", meanISR, plotutil.Color(2), plotter.PostStep)
	_ = addLine(isr, "mean replicas", meanReplicas, plotutil.Color(4), plotter.PostStep)
	return leaders, isr
}

// secondTicks labels the time axis every few seconds: gonum's default
// ticker leaves 40 s between labels on a typical scenario, too coarse to
// read a fault window off.
func secondTicks(lo, hi float64) []plot.Tick {
	step := 600.0
	for _, s := range []float64{1, 2, 5, 10, 15, 30, 60, 120, 300} {
		if (hi-lo)/s <= 16 {
			step = s
			break
		}
	}
	var ticks []plot.Tick
	for t := math.Ceil(lo/step) * step; t <= hi; t += step {
		ticks = append(ticks, plot.Tick{Value: t, Label: strconv.FormatFloat(t, 'f', -1, 64)})
	}
	return ticks
}

// timeSpan is the scenario's length on the chart: the last instant any
// record mentions.
func timeSpan(s schema.Scenario) float64 {
	end := max(s.Fault.RecoveredAt, s.Fault.HealedAt, 1)
	for _, smp := range s.Timeline {
		end = max(end, smp.At)
	}
	for _, p := range s.Profiles {
		if n := len(p.Series); n > 0 {
			end = max(end, float64(p.Series[n-1].T+1))
		}
	}
	return end
}

func hasSeries(s schema.Scenario) bool {
	for _, p := range s.Profiles {
		if len(p.Series) > 0 {
			return true
		}
	}
	return false
}

// fixRanges starts linear y axes at zero, so a drop to zero reads as one,
// and gives every axis a non-empty range: gonum leaves a panel without
// data at ±Inf, and a log axis cannot include zero.
func fixRanges(panels []*plot.Plot) {
	for _, p := range panels {
		if _, log := p.Y.Scale.(plot.LogScale); log {
			if p.Y.Min > p.Y.Max {
				p.Y.Min, p.Y.Max = 1, 1000
			}
			p.Y.Min = max(p.Y.Min, minLatencyMs)
			p.Y.Max = max(p.Y.Max, 10*p.Y.Min)
			continue
		}
		if p.Y.Min > p.Y.Max {
			p.Y.Min, p.Y.Max = 0, 1
		}
		p.Y.Min = min(p.Y.Min, 0)
		p.Y.Max = max(p.Y.Max, p.Y.Min+1)
	}
}

// drawPanels stacks the panels with aligned axes and draws each panel's
// legend beside it.
func drawPanels(panels []*plot.Plot, c vg.CanvasWriterTo) ([]byte, error) {
	dc := draw.New(c)
	grid := make([][]*plot.Plot, len(panels))
	legends := make([]plot.Legend, len(panels))
	for i, p := range panels {
		grid[i] = []*plot.Plot{p}
		legends[i] = p.Legend
		p.Legend = plot.NewLegend()
	}
	tiles := draw.Tiles{Rows: len(panels), Cols: 1, PadY: vg.Points(10), PadTop: vg.Points(6), PadBottom: vg.Points(6), PadLeft: vg.Points(6)}
	canvases := plot.Align(grid, tiles, draw.Crop(dc, 0, -legendW, 0, 0))
	for i, p := range panels {
		p.Draw(canvases[i][0])
		l := legends[i]
		l.Top, l.Left = true, true
		l.TextStyle.Font.Size = vg.Points(10)
		l.Padding = vg.Points(3)
		col := canvases[i][0]
		col.Rectangle = vg.Rectangle{
			Min: vg.Point{X: chartW - legendW + vg.Points(8), Y: col.Min.Y},
			Max: vg.Point{X: chartW - vg.Points(4), Y: col.Max.Y},
		}
		l.Draw(col)
	}
	var buf bytes.Buffer
	if _, err := c.WriteTo(&buf); err != nil {
		return nil, fmt.Errorf("write chart: %w", err)
	}
	return buf.Bytes(), nil
}
