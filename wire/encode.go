package wire

import "github.com/httpstack/httpstack/errors"

// AppendField appends one field line to dst (RFC 9112 §5):
//
//	Name: v1\r\n
//
// Several values are joined with CRLF HTAB into one folded field, as
// http.client's putheader does ("Name: v1\r\n\tv2\r\n"); no value gives
// "Name: \r\n". Values are written verbatim, without trimming.
//
// name must be a token and every value free of CTLs other than HTAB and
// of DEL (see [ValidFieldValue]); otherwise the error is an
// *errors.HeaderError with Remote false and dst is returned unchanged.
func AppendField(dst []byte, name string, values ...string) ([]byte, error) {
	if !ValidFieldName(name) {
		return dst, &errors.HeaderError{Name: name, Reason: "invalid field name"}
	}
	for _, v := range values {
		if !ValidFieldValue(v) {
			return dst, &errors.HeaderError{Name: name, Value: v, Reason: "invalid field value"}
		}
	}
	dst = append(dst, name...)
	dst = append(dst, ':', ' ')
	for i, v := range values {
		if i > 0 {
			dst = append(dst, '\r', '\n', '\t')
		}
		dst = append(dst, v...)
	}
	return append(dst, '\r', '\n'), nil
}

// FieldLen returns the number of bytes [AppendField] appends for valid
// arguments.
func FieldLen(name string, values ...string) int {
	n := len(name) + len(": \r\n")
	for i, v := range values {
		if i > 0 {
			n += len("\r\n\t")
		}
		n += len(v)
	}
	return n
}
