package reload

import (
	"errors"
	"os"
	"path/filepath"
	"sync"
	"testing"
	"time"

	"github.com/stretchr/testify/assert"
	"github.com/stretchr/testify/require"
	"go.uber.org/goleak"
)

func TestMain(m *testing.M) { goleak.VerifyTestMain(m) }

// events records what a Reloader reported, in order.
type events struct {
	mu   sync.Mutex
	list []string
}

func (e *events) add(s string) {
	e.mu.Lock()
	defer e.mu.Unlock()
	e.list = append(e.list, s)
}

func (e *events) get() []string {
	e.mu.Lock()
	defer e.mu.Unlock()
	return append([]string(nil), e.list...)
}

// TestReloader writes a sequence of file contents and checks what each
// one is reported as: a change is parsed once, a broken file is reported
// once however many ticks pass, and a restored file is parsed again.
func TestReloader(t *testing.T) {
	path := filepath.Join(t.TempDir(), "c.txt")
	// Each content is put in place by a rename, so that a tick never reads
	// a file half written.
	write := func(s string) {
		tmp := path + ".tmp"
		require.NoError(t, os.WriteFile(tmp, []byte(s), 0o600))
		require.NoError(t, os.Rename(tmp, path))
	}
	write("one")
	loaded, err := Fingerprint([]string{path})
	require.NoError(t, err)

	var ev events
	r := Start(Settings[string]{
		Paths:    []string{path},
		Interval: time.Millisecond,
		Parse: func() (string, error) {
			b, err := os.ReadFile(path)
			if err != nil {
				return "", err
			}
			if string(b) == "bad" {
				return "", errors.New("bad content")
			}
			return string(b), nil
		},
		OnReload:  func(s string) { ev.add("reload " + s) },
		OnFailure: func(err error) { ev.add("failure " + err.Error()) },
	}, loaded)
	defer r.Stop()

	steps := []struct {
		content string
		want    string
	}{
		{"two", "reload two"},
		{"bad", "failure bad content"},
		{"two", "reload two"},
	}
	for i, s := range steps {
		write(s.content)
		require.Eventually(t, func() bool { return len(ev.get()) == i+1 }, 5*time.Second, time.Millisecond, "step %d", i)
		assert.Equal(t, s.want, ev.get()[i], "step %d", i)
	}
	time.Sleep(20 * time.Millisecond)
	assert.Len(t, ev.get(), len(steps), "unchanged files are not reported again")

	require.NoError(t, os.Remove(path))
	require.Eventually(t, func() bool { return len(ev.get()) == len(steps)+1 }, 5*time.Second, time.Millisecond)
	assert.Contains(t, ev.get()[len(steps)], "failure reading files:")
	r.Stop()
	r.Stop() // a second Stop returns at once
}

func TestFingerprintRefusesNonRegularFiles(t *testing.T) {
	dir := t.TempDir()
	_, err := Fingerprint([]string{dir})
	require.ErrorContains(t, err, "not a regular file")
	a, _ := Fingerprint([]string{filepath.Join(dir, "missing")})
	b, _ := Fingerprint([]string{filepath.Join(dir, "missing")})
	assert.Equal(t, a, b, "a missing file fingerprints the same every time")
}
