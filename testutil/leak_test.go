package testutil

import (
	"strings"
	"testing"
	"time"
)

func TestVerifyNoLeaks(t *testing.T) {
	defer func(d time.Duration) { leakWait = d }(leakWait)
	leakWait = 50 * time.Millisecond
	tests := []struct {
		name string
		leak bool
	}{
		{"clean", false},
		{"leak", true},
	}
	for _, tc := range tests {
		t.Run(tc.name, func(t *testing.T) {
			rec := &recorder{TB: t}
			VerifyNoLeaks(rec)
			stop := make(chan struct{})
			exited := make(chan struct{})
			go func() {
				defer close(exited)
				<-stop
			}()
			if !tc.leak {
				close(stop)
				<-exited
			}
			rec.runCleanups()
			if tc.leak {
				close(stop)
				<-exited
			}
			errs := rec.errors()
			if tc.leak != (len(errs) == 1) {
				t.Fatalf("recorded failures = %q, want leak reported: %v", errs, tc.leak)
			}
			if tc.leak && !strings.Contains(errs[0], "TestVerifyNoLeaks") {
				t.Errorf("leak report lacks the leaking stack: %q", errs[0])
			}
		})
	}
}
