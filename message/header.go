package message

import "github.com/httpstack/httpstack/wire"

// Field is one header field: a name and a value as they appear on the
// wire. It is an alias of [wire.Field], so message.Field{"Host", "x"} and
// wire.Field{"Host", "x"} are the same type.
type Field = wire.Field

// Header is an ordered list of header fields. Order and the case of names
// are data: they are kept as received or as given, and nothing is
// canonicalised. Lookups compare names ASCII case-insensitively at call
// time, without allocating.
//
// A literal is the way to pass ordered headers:
//
//	message.Header{{"Host", "example.com"}, {"Accept", "*/*"}}
//
// (go vet's composites check reports unkeyed fields of a struct from
// another package; the keyed form {Name: "Host", Value: "example.com"}
// keeps it quiet.)
type Header []Field

// Get returns the value of the first field named name (ignoring ASCII
// case), or "" if there is none. It is Python's msg.get(name) with an
// empty default.
func (h Header) Get(name string) string {
	for i := range h {
		if wire.EqualFold(h[i].Name, name) {
			return h[i].Value
		}
	}
	return ""
}

// Values returns the values of every field named name (ignoring ASCII
// case), in order, or nil if there is none (Python's msg.get_all).
func (h Header) Values(name string) []string {
	var vs []string
	for i := range h {
		if wire.EqualFold(h[i].Name, name) {
			vs = append(vs, h[i].Value)
		}
	}
	return vs
}

// Has reports whether a field named name (ignoring ASCII case) is present
// (Python's name in msg).
func (h Header) Has(name string) bool {
	for i := range h {
		if wire.EqualFold(h[i].Name, name) {
			return true
		}
	}
	return false
}

// Add appends the field name: value, keeping any fields of the same name.
func (h *Header) Add(name, value string) {
	*h = append(*h, Field{Name: name, Value: value})
}

// Set makes value the only value of name: the first field named name
// (ignoring ASCII case) takes the new value and keeps its position and
// the spelling of its name, and later fields of that name are removed.
// If there is none, the field is appended with the given name.
func (h *Header) Set(name, value string) {
	s := *h
	for i := range s {
		if wire.EqualFold(s[i].Name, name) {
			s[i].Value = value
			*h = append(s[:i+1], removeName(s[i+1:], name)...)
			return
		}
	}
	*h = append(s, Field{Name: name, Value: value})
}

// Del removes every field named name (ignoring ASCII case), keeping the
// order of the others.
func (h *Header) Del(name string) {
	*h = removeName(*h, name)
}

// removeName filters s in place.
func removeName(s Header, name string) Header {
	out := s[:0]
	for _, f := range s {
		if !wire.EqualFold(f.Name, name) {
			out = append(out, f)
		}
	}
	clear(s[len(out):])
	return out
}

// Clone returns a copy of h that shares no storage with it (the strings
// are immutable and shared). The clone of nil is nil.
func (h Header) Clone() Header {
	if h == nil {
		return nil
	}
	return append(Header(make([]Field, 0, len(h))), h...)
}

// AppendTo appends every field of h to dst as field lines, validated and
// encoded by [wire.AppendField]. It does not append the empty line that
// ends a header section. On error dst is returned unchanged.
func (h Header) AppendTo(dst []byte) ([]byte, error) {
	orig := len(dst)
	for _, f := range h {
		var err error
		if dst, err = wire.AppendField(dst, f.Name, f.Value); err != nil {
			return dst[:orig], err
		}
	}
	return dst, nil
}
