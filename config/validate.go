package config

import (
	"errors"
	"fmt"
	"os"
	"strings"
	"time"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// Validation errors. Each message returned by Validate wraps one of these,
// prefixed with the YAML key it concerns, so tests and callers compare with
// errors.Is.
var (
	// ErrNoCatalog: neither built-ins nor files selected.
	ErrNoCatalog = errors.New("catalogs: no catalog: builtin is false and files is empty")
	// ErrNoCodeAttributes: code_attributes set to an empty list.
	ErrNoCodeAttributes = errors.New("code_attributes: at least one code attribute is required")
	// ErrEmptyKey: an attribute key is empty.
	ErrEmptyKey = errors.New("key is required")
	// ErrDuplicateKey: an attribute key appears twice in one list.
	ErrDuplicateKey = errors.New("duplicate key")
	// ErrUnknownVendor: a code attribute is bound to a vendor the catalog
	// does not have.
	ErrUnknownVendor = errors.New("unknown vendor")
	// ErrKeyUnderPrefix: an attribute the processor reads lies under
	// output.prefix, which the processor owns and rewrites.
	ErrKeyUnderPrefix = errors.New("key is under output.prefix")
	// ErrPrefix: output.prefix is empty or does not end with '.'.
	ErrPrefix = errors.New(`output.prefix: must be non-empty and end with "."`)
	// ErrNoAttributes: output.attributes set to an empty list.
	ErrNoAttributes = errors.New("output.attributes: at least one attribute is required (or leave it unset for the default)")
	// ErrPayloadLimit: a payloads limit is out of its range.
	ErrPayloadLimit = errors.New("out of range")
	// ErrReloadInterval: catalogs.reload_interval is negative.
	ErrReloadInterval = errors.New("catalogs.reload_interval: must be zero (no reload) or positive")
	// ErrReloadIntervalShort: catalogs.reload_interval is positive but
	// shorter than MinReloadInterval.
	ErrReloadIntervalShort = errors.New("catalogs.reload_interval: too short")
	// ErrNotRegularFile: a catalogs.files item is a FIFO, socket or device.
	ErrNotRegularFile = errors.New("not a regular file")
	// ErrEmptyFile: a catalogs.files item is an empty path.
	ErrEmptyFile = errors.New("path is required")
	// ErrCatalog: the configured catalogs do not load.
	ErrCatalog = errors.New("catalogs")
)

// MinReloadInterval is the shortest catalogs.reload_interval accepted.
const MinReloadInterval = time.Millisecond

// Validate checks the configuration and loads the configured catalogs, so
// that a bad key or a bad catalog file fails at startup (and in
// `otelcol validate`) with a message naming the key, the file and the line.
func (c *Config) Validate() error {
	var errs []error
	if c.CodeAttributes != nil && len(c.CodeAttributes) == 0 {
		errs = append(errs, ErrNoCodeAttributes)
	}
	prefixOK := c.Output.Prefix != "" && strings.HasSuffix(c.Output.Prefix, ".")
	if !prefixOK {
		errs = append(errs, ErrPrefix)
	}
	codeKeys := make([]string, len(c.CodeAttributes))
	for i, a := range c.CodeAttributes {
		codeKeys[i] = a.Key
	}
	errs = append(errs, c.validateKeys("code_attributes", ".key", codeKeys, prefixOK)...)
	errs = append(errs, c.validateKeys("vendor_attributes", "", c.VendorAttributes, prefixOK)...)
	errs = append(errs, c.validateKeys("host_attributes", "", c.HostAttributes, prefixOK)...)

	errs = append(errs, c.validateAttributes()...)
	errs = append(errs, c.validateKeys("payloads.string_attributes", "", c.Payloads.StringAttributes, prefixOK)...)
	if c.Payloads.Enabled {
		errs = append(errs, c.Payloads.validateLimits()...)
	}
	errs = append(errs, c.validateKeys("text.attributes", "", c.Text.Attributes, prefixOK)...)
	if len(c.Text.Attributes) > 0 && (c.Text.MaxBytes < 1 || c.Text.MaxBytes > MaxTextBytes) {
		errs = append(errs, fmt.Errorf("text.max_bytes: %w: %d (want 1 to %d)", ErrPayloadLimit, c.Text.MaxBytes, MaxTextBytes))
	}

	switch ri := c.Catalogs.ReloadInterval; {
	case ri < 0:
		errs = append(errs, ErrReloadInterval)
	case ri > 0 && ri < MinReloadInterval:
		// A number without a unit decodes as nanoseconds: `30` would
		// re-read the files without pause.
		errs = append(errs, fmt.Errorf("%w: %v is shorter than %v (a number without a unit is nanoseconds; write one, e.g. 30s)",
			ErrReloadIntervalShort, ri, MinReloadInterval))
	}
	fileErrs := c.validateFiles()
	errs = append(errs, fileErrs...)
	if len(fileErrs) == 0 {
		// Load only when every file is there: the loader's own message then
		// names the file, line and entry of the first problem.
		cat, err := c.LoadCatalog()
		switch {
		case errors.Is(err, ErrNoCatalog):
			errs = append(errs, err)
		case err != nil:
			errs = append(errs, fmt.Errorf("%w: %w", ErrCatalog, err))
		default:
			errs = append(errs, c.validateVendors(cat)...)
		}
	}
	return errors.Join(errs...)
}

// validateKeys checks one list of attribute keys: each non-empty, none
// repeated, none under the output prefix (the processor removes attributes
// under it that it did not write, which would erase its own input).
func (c *Config) validateKeys(list, field string, keys []string, prefixOK bool) []error {
	var errs []error
	seen := make(map[string]int, len(keys))
	for i, k := range keys {
		at := fmt.Sprintf("%s[%d]%s", list, i, field)
		switch {
		case k == "":
			errs = append(errs, fmt.Errorf("%s: %w", at, ErrEmptyKey))
		case seen[k] > 0:
			errs = append(errs, fmt.Errorf("%s: %w %q (also %s[%d])", at, ErrDuplicateKey, k, list, seen[k]-1))
		case prefixOK && strings.HasPrefix(k, c.Output.Prefix):
			errs = append(errs, fmt.Errorf("%s: %w %q: %q", at, ErrKeyUnderPrefix, c.Output.Prefix, k))
		}
		if _, ok := seen[k]; !ok {
			seen[k] = i + 1
		}
	}
	return errs
}

// validateAttributes checks output.attributes: at least one, none
// repeated. Unknown names already failed while the YAML was decoded.
func (c *Config) validateAttributes() []error {
	if c.Output.Attributes != nil && len(c.Output.Attributes) == 0 && !c.Output.Description {
		return []error{ErrNoAttributes}
	}
	var errs []error
	seen := map[Attribute]int{}
	for i, a := range c.Output.Attributes {
		at := fmt.Sprintf("output.attributes[%d]", i)
		if a >= numAttributes {
			errs = append(errs, fmt.Errorf("%s: unknown attribute %v", at, a))
			continue
		}
		if j, dup := seen[a]; dup {
			errs = append(errs, fmt.Errorf("%s: %w %q (also output.attributes[%d])", at, ErrDuplicateKey, a, j))
			continue
		}
		seen[a] = i
	}
	return errs
}

// validateLimits checks the payload limits: each positive and within its
// bound, so that no configuration makes a payload's cost unbounded.
func (p *PayloadsConfig) validateLimits() []error {
	var errs []error
	for _, l := range []struct {
		key      string
		val, max int
	}{
		{"payloads.max_bytes", p.MaxBytes, MaxPayloadBytes},
		{"payloads.max_depth", p.MaxDepth, MaxPayloadDepth},
		{"payloads.max_keys", p.MaxKeys, MaxPayloadKeys},
	} {
		if l.val < 1 || l.val > l.max {
			errs = append(errs, fmt.Errorf("%s: %w: %d (want 1 to %d)", l.key, ErrPayloadLimit, l.val, l.max))
		}
	}
	return errs
}

// validateFiles checks that every catalog file is named and can be read, so
// a missing file is reported with its position in the list.
func (c *Config) validateFiles() []error {
	var errs []error
	for i, f := range c.Catalogs.Files {
		at := fmt.Sprintf("catalogs.files[%d]", i)
		if strings.TrimSpace(f) == "" {
			errs = append(errs, fmt.Errorf("%s: %w", at, ErrEmptyFile))
			continue
		}
		st, err := os.Stat(f)
		if err != nil {
			errs = append(errs, fmt.Errorf("%s: %w", at, err))
			continue
		}
		switch {
		case st.IsDir():
			errs = append(errs, fmt.Errorf("%s: %s is a directory, not a catalog file", at, f))
		case !st.Mode().IsRegular():
			// A FIFO, socket or device would block the read or never end
			// it; a catalog is a file (or a symlink to one, as Kubernetes
			// mounts them).
			errs = append(errs, fmt.Errorf("%s: %w: %s is a %s", at, ErrNotRegularFile, f, fileKind(st.Mode())))
		}
	}
	return errs
}

// validateVendors checks that every vendor a code attribute is bound to is
// a vendor of the loaded catalog, matched by the index exactly as the
// processor matches it.
func (c *Config) validateVendors(cat *catalog.Catalog) []error {
	var errs []error
	ix := catalog.NewIndex(cat)
	for i, a := range c.CodeAttributes {
		if a.Vendor == "" {
			continue
		}
		if _, ok := ix.VendorByName(a.Vendor); !ok {
			errs = append(errs, fmt.Errorf("code_attributes[%d].vendor: %w %q (catalog vendors: %s)", i, ErrUnknownVendor, a.Vendor, cat.VendorList()))
		}
	}
	return errs
}

// fileKind names a file type that is not a regular file, for messages.
func fileKind(m os.FileMode) string {
	switch {
	case m&os.ModeNamedPipe != 0:
		return "named pipe (FIFO), not a catalog file"
	case m&os.ModeSocket != 0:
		return "socket, not a catalog file"
	case m&os.ModeDevice != 0:
		return "device, not a catalog file"
	default:
		return "special file, not a catalog file"
	}
}
