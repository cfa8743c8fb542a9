package main

import (
	"math"
	"strings"
	"testing"
)

func TestParse(t *testing.T) {
	in := `goos: linux
BenchmarkClient/small/httpstack-2   	   73657	     15849 ns/op	   0.82 MB/s	    1012 B/op	       7 allocs/op
BenchmarkClient/small/httpstack-2   	   70000	     15000 ns/op	   0.85 MB/s	    1012 B/op	       7 allocs/op
--- FAIL: BenchmarkClient/64k/nethttp
    client_bench_test.go:43: keep-alive broken: the client opened 2 connections
BenchmarkHead/wire 	 2236036	       271.0 ns/op	0 B/op	       0 allocs/op
PASS
`
	s := make(samples)
	order, err := parse(strings.NewReader(in), s, nil)
	if err != nil {
		t.Fatal(err)
	}
	if got, want := strings.Join(order, ","), "Client/small/httpstack,Head/wire"; got != want {
		t.Errorf("order %q, want %q", got, want)
	}
	tests := []struct {
		name, unit string
		want       []float64
	}{
		{"Client/small/httpstack", "ns/op", []float64{15849, 15000}},
		{"Client/small/httpstack", "allocs/op", []float64{7, 7}},
		{"Client/small/httpstack", "MB/s", []float64{0.82, 0.85}},
		{"Head/wire", "ns/op", []float64{271}},
		{"Client/64k/nethttp", "ns/op", nil},
	}
	for _, tc := range tests {
		got := s[tc.name][tc.unit]
		if len(got) != len(tc.want) {
			t.Errorf("%s %s: %v, want %v", tc.name, tc.unit, got, tc.want)
			continue
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Errorf("%s %s: %v, want %v", tc.name, tc.unit, got, tc.want)
				break
			}
		}
	}
}

func TestSummarize(t *testing.T) {
	tests := []struct {
		name   string
		in     []float64
		median float64
		spread float64
		ok     bool
	}{
		{"empty", nil, 0, 0, false},
		{"one", []float64{5}, 5, 0, true},
		{"odd", []float64{3, 1, 2}, 2, 0.5, true},
		{"even averages the middle two", []float64{4, 1, 3, 2}, 2.5, 0.6, true},
		{"outlier sets the spread", []float64{10, 10, 10, 10, 10, 20}, 10, 1, true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			st := summarize(tc.in)
			if st.ok != tc.ok || st.median != tc.median || math.Abs(st.spread-tc.spread) > 1e-9 || st.n != len(tc.in) {
				t.Errorf("summarize(%v) = %+v, want median %v spread %v ok %v", tc.in, st, tc.median, tc.spread, tc.ok)
			}
		})
	}
}

func TestTargets(t *testing.T) {
	s := samples{
		"Client/small/httpstack": {"ns/op": {10, 12, 11}, "allocs/op": {4, 4, 4}},
		"Client/small/fasthttp":  {"ns/op": {11, 11, 11}},
		"Head/wire":              {"allocs/op": {0}},
	}
	got := map[string]string{}
	for _, tg := range targets() {
		v, ok := tg.value(s)
		if !ok {
			continue
		}
		verdict := "missed"
		if v <= tg.max {
			verdict = "met"
		}
		got[tg.what] = verdict
	}
	want := map[string]string{
		"small: time / fasthttp":     "missed", // 11/11 = 1.00 > 0.95
		"small: allocs/op":           "missed", // 4 > 3
		"head parse: wire allocs/op": "met",
	}
	if len(got) != len(want) {
		t.Errorf("measured targets %v, want %v", got, want)
	}
	for k, v := range want {
		if got[k] != v {
			t.Errorf("%s: %q, want %q", k, got[k], v)
		}
	}
}
