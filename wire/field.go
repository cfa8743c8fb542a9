package wire

// Field is one header or trailer field: a name and a value, exactly as
// they appear on the wire (names keep their case). package message
// re-exports it as message.Field.
type Field struct {
	Name, Value string
}

// Version is an HTTP version as major*10+minor: 10 for HTTP/1.0, 11 for
// HTTP/1.1, the form Python's HTTPResponse.version uses.
type Version int

// The versions this package encodes and decodes.
const (
	Version10 Version = 10
	Version11 Version = 11
)

// String returns "HTTP/1.0" or "HTTP/1.1" (or "HTTP/x.y" for others).
func (v Version) String() string {
	return "HTTP/" + string(rune('0'+int(v)/10%10)) + "." + string(rune('0'+int(v)%10))
}

// needMore is the type of [ErrNeedMore].
type needMore struct{}

func (needMore) Error() string { return "wire: need more input" }

// ErrNeedMore is returned by a decoder when its input ends before the item
// it decodes is complete and no limit has been exceeded yet. It is flow
// control: the caller appends more bytes and calls again. It never leaves
// the adapters in this package.
var ErrNeedMore error = needMore{}
