package wire

import "testing"

func TestEqualFold(t *testing.T) {
	tests := []struct {
		a, b string
		want bool
	}{
		{"Content-Length", "content-length", true},
		{"CONNECTION", "Connection", true},
		{"", "", true},
		{"chunked", "chunked", true},
		{"chunked", "chunke", false},
		{"Host", "Hosu", false},
		{"@", "`", false},                  // differ by 0x20, but not letters
		{"[", "{", false},                  // likewise
		{"chun\u212aed", "chunked", false}, // Kelvin sign is not K
		{"\xe9", "\xc9", false},            // Latin-1 é/É: only ASCII folds
		{"keep-alive", "Keep-Alive", true},
	}
	for _, tc := range tests {
		if got := EqualFold(tc.a, tc.b); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.a, tc.b, got, tc.want)
		}
		if got := EqualFold(tc.b, tc.a); got != tc.want {
			t.Errorf("EqualFold(%q, %q) = %v, want %v", tc.b, tc.a, got, tc.want)
		}
	}
}

func TestCutListElement(t *testing.T) {
	tests := []struct {
		in   string
		want []string // every element, in order, empty ones included
	}{
		{"close", []string{"close"}},
		{"a, close", []string{"a", "close"}},
		{"a,\t close \t,b", []string{"a", "close", "b"}},
		{" , ,x", []string{"", "", "x"}},
		{"x,", []string{"x"}},
		{"gzip,chunked", []string{"gzip", "chunked"}},
	}
	for _, tc := range tests {
		var got []string
		for v := tc.in; v != ""; {
			var elem string
			elem, v = CutListElement(v)
			got = append(got, elem)
		}
		if len(got) != len(tc.want) {
			t.Fatalf("%q: elements %q, want %q", tc.in, got, tc.want)
		}
		for i := range got {
			if got[i] != tc.want[i] {
				t.Fatalf("%q: elements %q, want %q", tc.in, got, tc.want)
			}
		}
	}
	if elem, rest := CutListElement(""); elem != "" || rest != "" {
		t.Errorf(`CutListElement("") = %q, %q`, elem, rest)
	}
}
