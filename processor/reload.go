package processor

import (
	"context"
	"crypto/sha256"
	"encoding/binary"
	"errors"
	"fmt"
	"io"
	"os"
	"syscall"
	"time"

	"go.uber.org/zap"
)

// maxCatalogRead bounds how much of a catalog file a reload tick reads to
// fingerprint it. It is above the loader's own file size limit, so an
// oversized file still changes the fingerprint and is then rejected by the
// loader with its own message.
const maxCatalogRead = 4<<20 + 1

// digest is a fingerprint of the catalog files' contents.
type digest [sha256.Size]byte

// fingerprint hashes the content of every file, in order. Reading the
// content, not the modification time or the inode, makes every way of
// replacing a file look the same: an atomic rename, an in-place rewrite,
// and a Kubernetes ConfigMap update, which swaps the symlinked directory
// the file path resolves through. A file that cannot be read contributes
// its error instead, so a persistently missing file fingerprints the same
// on every tick; the first read error is returned.
func fingerprint(files []string) (digest, error) {
	h := sha256.New()
	var firstErr error
	var n [8]byte
	for _, f := range files {
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
	var d digest
	h.Sum(d[:0])
	return d, firstErr
}

// hashFile writes the content of the regular file at path to w. The file
// is opened without blocking: a FIFO put in the file's place would
// otherwise block the reload goroutine, and with it Shutdown, until
// something writes to it. Anything but a regular file is refused.
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
	return io.Copy(w, io.LimitReader(f, maxCatalogRead))
}

// reloader re-reads the catalog files every interval and swaps in a new
// state when their content changed and loads.
type reloader struct {
	p        *Processor
	interval time.Duration
	// last is the fingerprint of the content last attempted, loaded or
	// not: a broken file is reported once, not on every tick, and a
	// restored file is loaded again.
	last digest

	done    chan struct{}
	stopped chan struct{}
}

func startReloader(p *Processor, loaded digest) *reloader {
	r := &reloader{
		p:        p,
		interval: p.cfg.Catalogs.ReloadInterval,
		last:     loaded,
		done:     make(chan struct{}),
		stopped:  make(chan struct{}),
	}
	go r.run()
	return r
}

func (r *reloader) run() {
	defer close(r.stopped)
	t := time.NewTicker(r.interval)
	defer t.Stop()
	for {
		select {
		case <-r.done:
			return
		case <-t.C:
			r.tick()
		}
	}
}

// stop ends the goroutine and waits for it; a reload in progress finishes
// first.
func (r *reloader) stop() {
	close(r.done)
	<-r.stopped
}

// errUnchanged reports a tick that found nothing to reload.
var errUnchanged = errors.New("catalog files unchanged")

// tick reloads when the files changed. On failure the state in use stays,
// a warning is logged and the failure counted.
func (r *reloader) tick() {
	err := r.reload()
	if errors.Is(err, errUnchanged) {
		return
	}
	p := r.p
	ctx := context.Background()
	// Log before counting: whoever sees the counter move finds the log
	// line that explains it.
	if err != nil {
		p.logger.Warn("Catalog reload failed; keeping the last good catalog",
			zap.Strings("files", p.cfg.Catalogs.Files), zap.Error(err))
		p.tel.recordReload(ctx, false)
		return
	}
	st := p.state.Load()
	p.logger.Info("Catalog reloaded",
		zap.Strings("files", p.cfg.Catalogs.Files),
		zap.Int("vendors", len(st.index.Vendors())),
		zap.Int("entries", st.entries))
	p.tel.recordEntries(ctx, st.entries)
	p.tel.recordReload(ctx, true)
}

func (r *reloader) reload() error {
	p := r.p
	fp, err := fingerprint(p.cfg.Catalogs.Files)
	if fp == r.last {
		return errUnchanged
	}
	r.last = fp
	if err != nil {
		return fmt.Errorf("reading catalog files: %w", err)
	}
	// The loader reads the files again. When they changed meanwhile (a
	// write in progress), what was loaded may not be what was
	// fingerprinted: forget the fingerprint so the next tick loads again.
	defer func() {
		if now, _ := fingerprint(p.cfg.Catalogs.Files); now != fp {
			r.last = digest{}
		}
	}()
	cat, err := p.cfg.LoadCatalog()
	if err != nil {
		return err
	}
	st, err := newState(p.cfg, cat)
	if err != nil {
		return err
	}
	p.state.Store(st)
	return nil
}
