package catalog

// FormatV1 is the value of the format key of every catalog file.
const FormatV1 = "errorcatalog/v1"

// MaxFileSize is the largest catalog file accepted, in bytes (4 MiB). The
// built-in catalogs are a few dozen KiB; the limit keeps a wrong path (a log
// file, a device) or a hostile file from exhausting memory.
const MaxFileSize = 4 << 20

// maxTokens bounds the YAML structure of a file before it is parsed. Memory
// while parsing grows with the number of YAML nodes, not bytes: a 4 MiB flow
// list of one-letter items makes two million nodes, some 500 MB. Catalogs
// take about 18 structural characters (line breaks, ":", "-", ",", "[", "{",
// "?") per entry, so a legitimate 4 MiB file stays near 300,000, while no
// file over the bound can make more than about that many nodes.
const maxTokens = 400_000

// maxDepth bounds YAML nesting below the document node. The format needs four
// levels (file, entries, entry, value); anything much deeper is not a catalog.
const maxDepth = 8

// maxText bounds codes, ids, aliases and host patterns, so lookups can fold
// their input on the stack (see maxFold).
const maxText = maxFold

// The keys of each mapping, in the order messages list them.
var (
	topFields    = []string{"format", "vendor", "overrides", "entries"}
	vendorFields = []string{"id", "name", "aliases", "hosts", "code_type", "source", "version", "responses", "http_statuses"}
	entryFields  = []string{"code", "name", "description", "section", "http_status", "category", "class", "severity", "retryable"}
)

// File is one parsed and validated catalog file. A vendor file defines a
// vendor and its entries; an override file (top-level key overrides) replaces
// or adds entries of a vendor defined elsewhere.
type File struct {
	// Name is the file name as given to Parse or LoadFile.
	Name string
	// Vendor is the vendor a vendor file defines; nil in an override file.
	Vendor *Vendor
	// Overrides is the vendor id or alias an override file names; "" in a
	// vendor file.
	Overrides string
	// OverridesLine is the line of the overrides key.
	OverridesLine int
	// Entries are the file's entries in document order. In an override file
	// their Vendor is nil: Load resolves it.
	Entries []*Entry

	// codeKinds records, entry by entry, whether the code was written as a
	// YAML integer or string. Override entries are checked against their
	// vendor's code type only when Load knows the vendor.
	codeKinds []codeKind
}

// IsOverride reports whether f is an override file.
func (f *File) IsOverride() bool { return f.Vendor == nil }

type codeKind uint8

const (
	codeInt codeKind = iota
	codeString
)
