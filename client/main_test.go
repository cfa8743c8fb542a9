package client

import (
	"os"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

// TestMain fails the package if a test leaves a goroutine running: a
// Conn starts none of its own, so any survivor is a leak (a dial or read
// that a cancellation did not unblock, a server a test forgot).
func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }
