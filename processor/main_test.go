package processor

import (
	"testing"

	"go.uber.org/goleak"
)

// TestMain fails the package's tests when any goroutine (a reload loop
// above all) outlives them.
func TestMain(m *testing.M) {
	goleak.VerifyTestMain(m)
}
