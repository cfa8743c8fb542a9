package hostile

import (
	"os"
	"testing"

	"github.com/httpstack/httpstack/testutil"
)

// TestMain fails the package if a test leaves a goroutine running: the
// fault and load tests start servers and clients that must all be gone
// when each test returns.
func TestMain(m *testing.M) { os.Exit(testutil.LeakCheck(m)) }
