package wire

// Byte-class tables for the grammar of RFC 9110 §5.6 and RFC 9112.
// Each validator quotes the ABNF it checks.

// tokenTable marks tchar:
//
//	token  = 1*tchar
//	tchar  = "!" / "#" / "$" / "%" / "&" / "'" / "*"
//	       / "+" / "-" / "." / "^" / "_" / "`" / "|" / "~"
//	       / DIGIT / ALPHA
//	       ; any VCHAR, except delimiters
var tokenTable = [256]bool{}

// fieldVCharTable marks the bytes allowed inside a field value:
//
//	field-value    = *field-content
//	field-content  = field-vchar
//	                 [ 1*( SP / HTAB / field-vchar ) field-vchar ]
//	field-vchar    = VCHAR / obs-text
//	obs-text       = %x80-FF
//
// plus SP and HTAB. It excludes CTLs (NUL, CR, LF among them) and DEL.
var fieldValueTable = [256]bool{}

// targetTable marks the bytes allowed in a request target: every visible
// ASCII character (RFC 9112 §3.2 restricts further, but http.client sends
// any printable byte and only refuses CTLs, space and DEL).
var targetTable = [256]bool{}

// hexValue maps a HEXDIG to its value, or -1.
var hexValue = [256]int8{}

func init() {
	for c := '0'; c <= '9'; c++ {
		tokenTable[c] = true
	}
	for c := 'a'; c <= 'z'; c++ {
		tokenTable[c] = true
		tokenTable[c-'a'+'A'] = true
	}
	for _, c := range "!#$%&'*+-.^_`|~" {
		tokenTable[c] = true
	}
	for c := 0x21; c < 0x7f; c++ {
		fieldValueTable[c] = true
		targetTable[c] = true
	}
	for c := 0x80; c <= 0xff; c++ {
		fieldValueTable[c] = true
	}
	fieldValueTable[' '] = true
	fieldValueTable['\t'] = true
	for i := range hexValue {
		hexValue[i] = -1
	}
	for c := '0'; c <= '9'; c++ {
		hexValue[c] = int8(c - '0')
	}
	for c := 'a'; c <= 'f'; c++ {
		hexValue[c] = int8(c - 'a' + 10)
		hexValue[c-'a'+'A'] = int8(c - 'a' + 10)
	}
}

// IsTokenByte reports whether c is a tchar (RFC 9110 §5.6.2).
func IsTokenByte(c byte) bool { return tokenTable[c] }

// ValidToken reports whether s is a non-empty RFC 9110 token:
//
//	token = 1*tchar
//
// Field names and methods are tokens.
func ValidToken[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !tokenTable[s[i]] {
			return false
		}
	}
	return true
}

// ValidFieldName reports whether s is a valid field name:
//
//	field-name = token
func ValidFieldName[T ~string | ~[]byte](s T) bool { return ValidToken(s) }

// ValidFieldValue reports whether s may be sent as a field value: no CTL
// byte (NUL, CR and LF included) other than HTAB, and no DEL (RFC 9110
// §5.5). Leading and trailing whitespace is allowed here; encoders write
// the value verbatim as http.client does.
func ValidFieldValue[T ~string | ~[]byte](s T) bool {
	for i := 0; i < len(s); i++ {
		if !fieldValueTable[s[i]] {
			return false
		}
	}
	return true
}

// ValidMethod reports whether s is a valid request method:
//
//	method = token
func ValidMethod[T ~string | ~[]byte](s T) bool { return ValidToken(s) }

// ValidTarget reports whether s may be sent as a request target: a
// non-empty run of visible ASCII (no CTL, space, DEL or byte >= 0x80).
func ValidTarget[T ~string | ~[]byte](s T) bool {
	if len(s) == 0 {
		return false
	}
	for i := 0; i < len(s); i++ {
		if !targetTable[s[i]] {
			return false
		}
	}
	return true
}

// EqualFold reports whether a and b are equal ignoring ASCII case, the
// comparison for field names, transfer codings and connection options
// (RFC 9110 §5.1, §7.6.1). Only A–Z fold: unlike strings.EqualFold it
// does not take the Kelvin sign for K, nor "@" for "`".
func EqualFold(a, b string) bool {
	if len(a) != len(b) {
		return false
	}
	for i := 0; i < len(a); i++ {
		x, y := a[i], b[i]
		if x == y {
			continue
		}
		if 'A' <= x && x <= 'Z' {
			x += 'a' - 'A'
		}
		if 'A' <= y && y <= 'Z' {
			y += 'a' - 'A'
		}
		if x != y {
			return false
		}
	}
	return true
}

// CutListElement cuts the first element off a comma-separated field
// value (RFC 9110 §5.6.1, "#rule"): elem is the text before the first
// comma without its surrounding OWS, rest what follows the comma, or ""
// when there is none. Empty elements come out as "", for the caller to
// skip or refuse.
func CutListElement(v string) (elem, rest string) {
	if i := indexByteString(v, ','); i >= 0 {
		elem, rest = v[:i], v[i+1:]
	} else {
		elem = v
	}
	return trimOWSString(elem), rest
}

// isOWS reports whether c is optional whitespace:
//
//	OWS = *( SP / HTAB )
func isOWS(c byte) bool { return c == ' ' || c == '\t' }

// trimOWS removes leading and trailing SP and HTAB.
func trimOWS(b []byte) []byte {
	for len(b) > 0 && isOWS(b[0]) {
		b = b[1:]
	}
	for len(b) > 0 && isOWS(b[len(b)-1]) {
		b = b[:len(b)-1]
	}
	return b
}
