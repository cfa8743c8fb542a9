// Command ratios reads `go test -bench` output, takes the median of every
// metric of every benchmark over its runs, as benchstat does, and prints
// Markdown tables: the medians, the ratios ours / peer for package bench's
// client and codec benchmarks, and the targets they are held to.
//
// Usage:
//
//	ratios [-min-runs N] FILE...
//
// With no file it reads standard input. Benchmark names lose their
// GOMAXPROCS suffix ("-2"). A benchmark with fewer than -min-runs runs is
// flagged; a target whose benchmarks are missing is reported as such. The
// exit status is 0 whether or not the targets are met: the table says so.
package main

import (
	"bufio"
	"flag"
	"fmt"
	"io"
	"math"
	"os"
	"regexp"
	"slices"
	"strconv"
	"strings"
)

// samples holds every value seen: samples[benchmark][unit].
type samples map[string]map[string][]float64

// nameSuffix is the GOMAXPROCS suffix of a benchmark name.
var nameSuffix = regexp.MustCompile(`-\d+$`)

// parse adds the benchmark lines of r to s and returns the benchmark
// names in the order they first appear.
func parse(r io.Reader, s samples, order []string) ([]string, error) {
	sc := bufio.NewScanner(r)
	sc.Buffer(make([]byte, 64<<10), 1<<20)
	for sc.Scan() {
		f := strings.Fields(sc.Text())
		if len(f) < 4 || !strings.HasPrefix(f[0], "Benchmark") {
			continue
		}
		if _, err := strconv.Atoi(f[1]); err != nil {
			continue // not a result line
		}
		name := nameSuffix.ReplaceAllString(strings.TrimPrefix(f[0], "Benchmark"), "")
		m := s[name]
		if m == nil {
			m = make(map[string][]float64)
			s[name] = m
			order = append(order, name)
		}
		for i := 2; i+1 < len(f); i += 2 {
			v, err := strconv.ParseFloat(f[i], 64)
			if err != nil {
				break
			}
			m[f[i+1]] = append(m[f[i+1]], v)
		}
	}
	return order, sc.Err()
}

// stat is the median of a metric, its spread and its smallest value.
type stat struct {
	median float64
	min    float64
	spread float64 // largest distance from the median to min or max, relative
	n      int
	ok     bool
}

func summarize(vs []float64) stat {
	if len(vs) == 0 {
		return stat{}
	}
	v := slices.Clone(vs)
	slices.Sort(v)
	n := len(v)
	med := v[n/2]
	if n%2 == 0 {
		med = (v[n/2-1] + v[n/2]) / 2
	}
	st := stat{median: med, min: v[0], n: n, ok: true}
	if med != 0 {
		st.spread = math.Max(med-v[0], v[n-1]-med) / med
	}
	return st
}

// get returns the summary of unit for benchmark name.
func (s samples) get(name, unit string) stat {
	return summarize(s[name][unit])
}

// ratio returns the ratio of the medians of unit, a over b.
func (s samples) ratio(a, b, unit string) (float64, bool) {
	x, y := s.get(a, unit), s.get(b, unit)
	if !x.ok || !y.ok || y.median == 0 {
		return 0, false
	}
	return x.median / y.median, true
}

// bestRatio returns the ratio of the smallest values of unit, a over b:
// on a shared machine, whose load only ever adds time, the best runs are
// the ones least disturbed.
func (s samples) bestRatio(a, b, unit string) (float64, bool) {
	x, y := s.get(a, unit), s.get(b, unit)
	if !x.ok || !y.ok || y.min == 0 {
		return 0, false
	}
	return x.min / y.min, true
}

func formatNs(v float64) string {
	switch {
	case v >= 1e6:
		return fmt.Sprintf("%.2f ms", v/1e6)
	case v >= 1e4:
		return fmt.Sprintf("%.1f µs", v/1e3)
	case v >= 1e3:
		return fmt.Sprintf("%.2f µs", v/1e3)
	}
	return fmt.Sprintf("%.0f ns", v)
}

func formatCount(v float64) string {
	if v == math.Trunc(v) {
		return strconv.FormatFloat(v, 'f', 0, 64)
	}
	return strconv.FormatFloat(v, 'f', 1, 64)
}

// formatRatios formats the ratio of medians with the ratio of best runs in
// parentheses.
func formatRatios(s samples, a, b, unit string) string {
	r, ok := s.ratio(a, b, unit)
	if !ok {
		return "–"
	}
	best, _ := s.bestRatio(a, b, unit)
	return fmt.Sprintf("%.2f (%.2f)", r, best)
}

// The names package bench gives its benchmarks.
var (
	scenarios = []string{"small", "post1k", "64k", "chunked1m"}
	peers     = []string{"fasthttp", "nethttp", "floor"}
)

// A target is one goal of the issue: a ratio or a count held to a bound.
type target struct {
	what  string
	value func(samples) (float64, bool)
	max   float64
	ratio bool // value is a ratio, else a count
	// best gives the ratio of best runs and cpu the ratio of the
	// median CPU times, for ratios.
	best, cpu func(samples) (float64, bool)
}

func ratioOf(a, b, unit string) func(samples) (float64, bool) {
	return func(s samples) (float64, bool) { return s.ratio(a, b, unit) }
}

func bestRatioOf(a, b, unit string) func(samples) (float64, bool) {
	return func(s samples) (float64, bool) { return s.bestRatio(a, b, unit) }
}

// ratioTarget is a target on the time ratio a / b.
func ratioTarget(what, a, b string, max float64) target {
	return target{what: what, value: ratioOf(a, b, "ns/op"), max: max, ratio: true,
		best: bestRatioOf(a, b, "ns/op"), cpu: ratioOf(a, b, "cpu-ns/op")}
}

func countOf(name, unit string) func(samples) (float64, bool) {
	return func(s samples) (float64, bool) {
		st := s.get(name, unit)
		return st.median, st.ok
	}
}

func targets() []target {
	var ts []target
	for _, sc := range []string{"small", "post1k", "64k"} {
		ours := "Client/" + sc + "/httpstack"
		ts = append(ts,
			ratioTarget(sc+": time / fasthttp", ours, "Client/"+sc+"/fasthttp", 0.95),
			ratioTarget(sc+": time / net/http", ours, "Client/"+sc+"/nethttp", 0.5),
			ratioTarget(sc+": time / floor", ours, "Client/"+sc+"/floor", 1.05),
		)
	}
	ts = append(ts,
		target{what: "small: allocs/op", value: countOf("Client/small/httpstack", "allocs/op"), max: 3},
		ratioTarget("chunked1m: time / floor", "Client/chunked1m/httpstack", "Client/chunked1m/floor", 1.10),
		ratioTarget("chunked1m: time / net/http", "Client/chunked1m/httpstack", "Client/chunked1m/nethttp", 0.6),
		ratioTarget("head parse: wire / fasthttp", "Head/wire", "Head/fasthttp", 0.75),
		target{what: "head parse: wire allocs/op", value: countOf("Head/wire", "allocs/op"), max: 0},
		target{what: "head + message.Header: allocs/op", value: countOf("Head/wire_header", "allocs/op"), max: 2},
		ratioTarget("chunked decode: wire / copy", "Chunked/wire", "Chunked/copy", 1.15),
		target{what: "chunked decode: wire allocs/op", value: countOf("Chunked/wire", "allocs/op"), max: 0},
	)
	return ts
}

func main() {
	minRuns := flag.Int("min-runs", 6, "flag benchmarks with fewer runs than this")
	flag.Parse()
	s := make(samples)
	var order []string
	var err error
	if flag.NArg() == 0 {
		order, err = parse(os.Stdin, s, order)
	}
	for _, path := range flag.Args() {
		f, ferr := os.Open(path)
		if ferr != nil {
			fmt.Fprintln(os.Stderr, "ratios:", ferr)
			os.Exit(1)
		}
		order, err = parse(f, s, order)
		f.Close()
		if err != nil {
			break
		}
	}
	if err != nil {
		fmt.Fprintln(os.Stderr, "ratios:", err)
		os.Exit(1)
	}
	if len(order) == 0 {
		fmt.Fprintln(os.Stderr, "ratios: no benchmark results")
		os.Exit(1)
	}
	w := bufio.NewWriter(os.Stdout)
	defer w.Flush()
	printMedians(w, s, order, *minRuns)
	printClientRatios(w, s)
	printClientCPU(w, s)
	printCodecRatios(w, s)
	printTargets(w, s)
}

func printMedians(w io.Writer, s samples, order []string, minRuns int) {
	fmt.Fprintln(w, "### Medians")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| benchmark | time/op | ± | best | CPU/op | B/op | allocs/op | runs |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|---:|")
	for _, name := range order {
		t := s.get(name, "ns/op")
		c := s.get(name, "cpu-ns/op")
		b := s.get(name, "B/op")
		a := s.get(name, "allocs/op")
		runs := strconv.Itoa(t.n)
		if t.n < minRuns {
			runs += " (too few)"
		}
		cpu := "–"
		if c.ok {
			cpu = formatNs(c.median)
		}
		fmt.Fprintf(w, "| %s | %s | %.0f%% | %s | %s | %s | %s | %s |\n",
			name, formatNs(t.median), 100*t.spread, formatNs(t.min), cpu, formatCount(b.median), formatCount(a.median), runs)
	}
	fmt.Fprintln(w)
	fmt.Fprintln(w, "± is the largest distance from the median to the fastest or slowest run; best is the fastest run; CPU/op is the process's CPU time per request (client benchmarks only).")
	fmt.Fprintln(w)
}

func printClientRatios(w io.Writer, s samples) {
	fmt.Fprintln(w, "### Client: time ours / peer")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Median ns/op over median ns/op; in parentheses, best run over best run.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | httpstack | / fasthttp | / net/http | / floor | httpstack_copy / floor | allocs/op ours · fasthttp · net/http |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|---:|---:|")
	for _, sc := range scenarios {
		ours := "Client/" + sc + "/httpstack"
		t := s.get(ours, "ns/op")
		if !t.ok {
			continue
		}
		row := []string{sc, formatNs(t.median)}
		for _, p := range peers {
			row = append(row, formatRatios(s, ours, "Client/"+sc+"/"+p, "ns/op"))
		}
		row = append(row, formatRatios(s, "Client/"+sc+"/httpstack_copy", "Client/"+sc+"/floor", "ns/op"))
		var allocs []string
		for _, c := range []string{"httpstack", "fasthttp", "nethttp"} {
			a := s.get("Client/"+sc+"/"+c, "allocs/op")
			if a.ok {
				allocs = append(allocs, formatCount(a.median))
			} else {
				allocs = append(allocs, "–")
			}
		}
		row = append(row, strings.Join(allocs, " · "))
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintln(w)
}

// printClientCPU prints the ratios of the process CPU time per request,
// which the load of other processes disturbs less than the wall time.
func printClientCPU(w io.Writer, s samples) {
	if !s.get("Client/small/httpstack", "cpu-ns/op").ok {
		return
	}
	fmt.Fprintln(w, "### Client: CPU time per request, ours / peer")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "Process user + system time (client and server) per request, median over median; in parentheses, best over best.")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| scenario | httpstack | / fasthttp | / net/http | / floor |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---:|")
	for _, sc := range scenarios {
		ours := "Client/" + sc + "/httpstack"
		t := s.get(ours, "cpu-ns/op")
		if !t.ok {
			continue
		}
		row := []string{sc, formatNs(t.median)}
		for _, p := range peers {
			row = append(row, formatRatios(s, ours, "Client/"+sc+"/"+p, "cpu-ns/op"))
		}
		fmt.Fprintf(w, "| %s |\n", strings.Join(row, " | "))
	}
	fmt.Fprintln(w)
}

func printCodecRatios(w io.Writer, s samples) {
	fmt.Fprintln(w, "### Codecs: time ours / other")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| ours | other | wall: median | wall: best | CPU: median |")
	fmt.Fprintln(w, "|---|---|---:|---:|---:|")
	pairs := [][2]string{
		{"Head/wire", "Head/fasthttp"},
		{"Head/wire", "Head/nethttp"},
		{"Head/wire", "Head/index"},
		{"Head/wire_header", "Head/fasthttp"},
		{"Head/wire_bufio", "Head/fasthttp"},
		{"Head/wire_bufio", "Head/nethttp"},
		{"Chunked/wire", "Chunked/copy"},
		{"Chunked/wire", "Chunked/httputil"},
		{"Chunked/wire_reader", "Chunked/copy"},
		{"Chunked/wire_reader", "Chunked/httputil"},
	}
	for _, p := range pairs {
		r, ok := s.ratio(p[0], p[1], "ns/op")
		if !ok {
			continue
		}
		best, _ := s.bestRatio(p[0], p[1], "ns/op")
		cpu := "–"
		if c, ok := s.ratio(p[0], p[1], "cpu-ns/op"); ok {
			cpu = fmt.Sprintf("%.2f", c)
		}
		fmt.Fprintf(w, "| %s | %s | %.2f | %.2f | %s |\n", p[0], p[1], r, best, cpu)
	}
	fmt.Fprintln(w)
}

func printTargets(w io.Writer, s samples) {
	fmt.Fprintln(w, "### Targets")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "A ratio target is judged twice: on the wall time (median, best run in parentheses) and on the CPU time (median).")
	fmt.Fprintln(w)
	fmt.Fprintln(w, "| target | bound | wall | CPU | verdict |")
	fmt.Fprintln(w, "|---|---:|---:|---:|---|")
	verdict := func(v float64, max float64) string {
		if v <= max {
			return "met"
		}
		return "missed"
	}
	met, total := 0, 0
	for _, t := range targets() {
		v, ok := t.value(s)
		if !t.ratio {
			bound := "≤ " + formatCount(t.max)
			if !ok {
				fmt.Fprintf(w, "| %s | %s | – | – | not measured |\n", t.what, bound)
				continue
			}
			total++
			if v <= t.max {
				met++
			}
			fmt.Fprintf(w, "| %s | %s | %s | | %s |\n", t.what, bound, formatCount(v), verdict(v, t.max))
			continue
		}
		bound := fmt.Sprintf("≤ %.2f", t.max)
		if !ok {
			fmt.Fprintf(w, "| %s | %s | – | – | not measured |\n", t.what, bound)
			continue
		}
		total++
		wall := fmt.Sprintf("%.2f", v)
		if best, ok := t.best(s); ok {
			wall += fmt.Sprintf(" (%.2f)", best)
		}
		cpu, cpuv := "–", ""
		if c, ok := t.cpu(s); ok {
			cpu = fmt.Sprintf("%.2f", c)
			cpuv = ", CPU " + verdict(c, t.max)
		}
		if v <= t.max {
			met++
		}
		fmt.Fprintf(w, "| %s | %s | %s | %s | wall %s%s |\n", t.what, bound, wall, cpu, verdict(v, t.max), cpuv)
	}
	fmt.Fprintln(w)
	fmt.Fprintf(w, "%d of %d measured targets met on the median wall time.\n", met, total)
	fmt.Fprintln(w)
}
