package wire

import (
	"strings"
	"testing"

	"github.com/httpstack/httpstack/errors"
)

func TestAppendField(t *testing.T) {
	tests := []struct {
		name    string
		field   string
		values  []string
		want    string
		reason  string   // HeaderError reason on failure
		decoded []string // fields the decoder reads back, when they differ from (field, values...)
	}{
		{name: "One", field: "Host", values: []string{"example.com"}, want: "Host: example.com\r\n"},
		{name: "CaseKept", field: "x-Custom", values: []string{"v"}, want: "x-Custom: v\r\n"},
		{name: "NoValue", field: "Empty", want: "Empty: \r\n", decoded: []string{"Empty", ""}},
		{name: "EmptyValue", field: "Empty", values: []string{""}, want: "Empty: \r\n"},
		{name: "Verbatim", field: "T", values: []string{" sp "}, want: "T:  sp \r\n", decoded: []string{"T", "sp"}},
		{name: "Folded", field: "A", values: []string{"v1", "v2", "3"}, want: "A: v1\r\n\tv2\r\n\t3\r\n", decoded: []string{"A", "v1 v2 3"}},
		{name: "ObsText", field: "A", values: []string{"\xe9t\xe9"}, want: "A: \xe9t\xe9\r\n"},
		{name: "HTAB", field: "A", values: []string{"a\tb"}, want: "A: a\tb\r\n"},

		{name: "EmptyName", field: "", values: []string{"v"}, reason: "invalid field name"},
		{name: "NameSpace", field: "Key Space", values: []string{"v"}, reason: "invalid field name"},
		{name: "NameColon", field: "Bad:Name", values: []string{"v"}, reason: "invalid field name"},
		{name: "NameCRLF", field: "Bad\r\nName", values: []string{"v"}, reason: "invalid field name"},
		{name: "NameNonASCII", field: "\xa0NB", values: []string{"v"}, reason: "invalid field name"},
		{name: "ValueCRLFInjection", field: "A", values: []string{"x\r\nEvil: 1"}, reason: "invalid field value"},
		{name: "ValueTrailingCRLF", field: "A", values: []string{"x\r\n"}, reason: "invalid field value"},
		{name: "ValueFoldNotAllowed", field: "A", values: []string{"a\r\n b"}, reason: "invalid field value"},
		{name: "ValueBareCR", field: "A", values: []string{"a\rb"}, reason: "invalid field value"},
		{name: "ValueLF", field: "A", values: []string{"a\nb"}, reason: "invalid field value"},
		{name: "ValueNUL", field: "A", values: []string{"a\x00b"}, reason: "invalid field value"},
		{name: "ValueDEL", field: "A", values: []string{"a\x7f"}, reason: "invalid field value"},
		{name: "SecondValueBad", field: "A", values: []string{"ok", "b\n"}, reason: "invalid field value"},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			got, err := AppendField([]byte("pre"), tc.field, tc.values...)
			if tc.reason != "" {
				var he *errors.HeaderError
				if !errors.As(err, &he) || he.Reason != tc.reason || he.Remote || string(got) != "pre" {
					t.Fatalf("got %q, %#v; want dst unchanged and local HeaderError %q", got, err, tc.reason)
				}
				return
			}
			if err != nil || string(got) != "pre"+tc.want {
				t.Fatalf("got %q, %v; want %q", got, err, "pre"+tc.want)
			}
			if l := FieldLen(tc.field, tc.values...); l != len(tc.want) {
				t.Errorf("FieldLen = %d, want %d", l, len(tc.want))
			}
			// The decoder reads back what the encoder wrote.
			want := tc.decoded
			if want == nil {
				want = []string{tc.field, strings.Join(tc.values, "")}
			}
			dec := runWhole(headerStepper(nil, false), append(got[len("pre"):], "\r\n"...))
			if dec.err != "" || dec.out != fieldsText(want...) {
				t.Errorf("decoded %+v, want %q", dec, want)
			}
		})
	}
}

func TestAppendFieldAllocs(t *testing.T) {
	buf := make([]byte, 0, 64)
	if a := testing.AllocsPerRun(100, func() { _, _ = AppendField(buf[:0], "Host", "example.com") }); a != 0 {
		t.Errorf("%v allocs, want 0", a)
	}
}
