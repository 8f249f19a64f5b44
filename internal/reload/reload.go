// Package reload re-reads a set of files on an interval and hands what
// they parse to into a callback when their content changed. It knows
// nothing of what the files hold: the caller passes the paths, the parse
// function and what to do on success and on failure.
package reload // import "github.com/errorcatalog/errorcatalogprocessor/internal/reload"

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"fmt"
	"io"
	"os"
	"sync"
	"syscall"
	"time"
)

// MaxRead bounds how much of each file a tick reads to fingerprint it.
// Callers pick a limit above their parser's own size limit, so that an
// oversized file still changes the fingerprint and is then rejected by the
// parser with its own message.
const MaxRead = 4<<20 + 1

// Digest is a fingerprint of the files' contents.
type Digest [sha256.Size]byte

// Fingerprint hashes the content of every file, in order. Reading the
// content, not the modification time or the inode, makes every way of
// replacing a file look the same: an atomic rename, an in-place rewrite,
// and a Kubernetes ConfigMap update, which swaps the symlinked directory
// the file path resolves through. A file that cannot be read contributes
// its error instead, so a persistently missing file fingerprints the same
// on every tick; the first read error is returned.
func Fingerprint(paths []string) (Digest, error) {
	h := sha256.New()
	var firstErr error
	var n [8]byte
	for _, f := range paths {
		binary.LittleEndian.PutUint64(n[:], uint64(len(f)))
		h.Write(n[:])
		h.Write([]byte(f))
		size, err := hashFile(h, f)
		if err != nil {
			h.Write([]byte{0})
			h.Write([]byte(err.Error()))
			if firstErr == nil {
				firstErr = err
			}
			continue
		}
		binary.LittleEndian.PutUint64(n[:], uint64(size))
		h.Write([]byte{1})
		h.Write(n[:])
	}
	var d Digest
	h.Sum(d[:0])
	return d, firstErr
}

// hashFile writes the content of the regular file at path to w. The file
// is opened without blocking: a FIFO put in the file's place would
// otherwise block the reload goroutine, and with it Stop, until something
// writes to it. Anything but a regular file is refused.
func hashFile(w io.Writer, path string) (int64, error) {
	f, err := os.OpenFile(path, os.O_RDONLY|syscall.O_NONBLOCK, 0)
	if err != nil {
		return 0, err
	}
	defer f.Close()
	st, err := f.Stat()
	if err != nil {
		return 0, err
	}
	if !st.Mode().IsRegular() {
		return 0, fmt.Errorf("%s: not a regular file (%v)", path, st.Mode().Type())
	}
	return io.Copy(w, io.LimitReader(f, MaxRead))
}

// Settings are what a Reloader needs.
type Settings[T any] struct {
	// Paths are the files watched, fingerprinted together.
	Paths []string
	// Interval is the time between two looks at the files; it must be
	// positive.
	Interval time.Duration
	// Parse reads the files and builds what they hold. It runs on the
	// reload goroutine, only after the files' content changed.
	Parse func() (T, error)
	// OnReload receives what Parse built.
	OnReload func(T)
	// OnFailure receives why the files could not be read or parsed. What
	// was in use stays in use; the same content is not reported again.
	OnFailure func(error)
}

// Reloader watches files until Stop.
type Reloader[T any] struct {
	set Settings[T]
	// last is the fingerprint of the content last attempted, parsed or
	// not: a broken file is reported once, not on every tick, and a
	// restored file is parsed again.
	last Digest

	cancel context.CancelFunc
	wg     sync.WaitGroup
}

// Start watches the files of set in a new goroutine. loaded is the
// fingerprint of the content already in use, taken before it was parsed:
// the first change after it is reloaded.
func Start[T any](set Settings[T], loaded Digest) *Reloader[T] {
	ctx, cancel := context.WithCancel(context.Background())
	r := &Reloader[T]{set: set, last: loaded, cancel: cancel}
	r.wg.Add(1)
	go r.run(ctx)
	return r
}

func (r *Reloader[T]) run(ctx context.Context) {
	defer r.wg.Done()
	t := time.NewTicker(r.set.Interval)
	defer t.Stop()
	for {
		select {
		case <-ctx.Done():
			return
		case <-t.C:
			r.tick()
		}
	}
}

// Stop ends the goroutine and waits for it; a reload in progress finishes
// first. Stop may be called more than once.
func (r *Reloader[T]) Stop() {
	r.cancel()
	r.wg.Wait()
}

// tick parses the files when they changed, and reports the outcome.
func (r *Reloader[T]) tick() {
	fp, err := Fingerprint(r.set.Paths)
	if fp == r.last {
		return
	}
	r.last = fp
	if err != nil {
		r.set.OnFailure(fmt.Errorf("reading files: %w", err))
		return
	}
	v, err := r.set.Parse()
	// Parse reads the files again. When they changed meanwhile (a write
	// in progress), what was parsed may not be what was fingerprinted:
	// forget the fingerprint so that the next tick parses again.
	if now, _ := Fingerprint(r.set.Paths); now != fp {
		r.last = Digest{}
	}
	if err != nil {
		r.set.OnFailure(err)
		return
	}
	r.set.OnReload(v)
}
