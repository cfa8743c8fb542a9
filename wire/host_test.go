package wire

import "testing"

func TestCheckHost(t *testing.T) {
	for _, tc := range []struct {
		host      string
		bracketed bool
		ok        bool
	}{
		{"example.com", false, true},
		{"EXAMPLE.com", false, true},
		{"a_b-c~d.example", false, true},
		{"127.0.0.1", false, true},
		{"xn--bcher-kva.example", false, true},
		{"::1", false, true},
		{"::1", true, true},
		{"fe80::1%eth0", true, true},
		{"", false, false},
		{"user@example.com", false, false},
		{"example.com/evil", false, false},
		{"a b", false, false},
		{"a\r\nb", false, false},
		{"a;b", false, false},
		{"example.com", true, false},
		{"1.2.3.4", true, false},
		{"1::2::3", true, false},
		{"b\xc3\xbccher.example", false, false},
		{"fe80::1%a]b", false, false},
		{"fe80::1%25eth0]:81", true, false},
		{"fe80::1%eth0.5", true, true},
	} {
		if got := CheckHost(tc.host, tc.bracketed) == ""; got != tc.ok {
			t.Errorf("CheckHost(%q, %v) ok = %v, want %v", tc.host, tc.bracketed, got, tc.ok)
		}
	}
}

func TestParsePort(t *testing.T) {
	for _, tc := range []struct {
		s    string
		want int
		ok   bool
	}{
		{"80", 80, true}, {"1", 1, true}, {"65535", 65535, true}, {"08080", 8080, true},
		{"", 0, false}, {"0", 0, false}, {"65536", 0, false}, {"+80", 0, false},
		{" 80", 0, false}, {"8o", 0, false}, {"123456", 0, false}, {"-1", 0, false},
	} {
		got, ok := ParsePort(tc.s)
		if ok != tc.ok || (ok && got != tc.want) {
			t.Errorf("ParsePort(%q) = %d, %v; want %d, %v", tc.s, got, ok, tc.want, tc.ok)
		}
	}
}
