// Package config holds the errorcatalog processor's configuration: the
// Config struct the collector decodes from YAML, its defaults, and Validate.
package config // import "github.com/errorcatalog/errorcatalogprocessor/config"

import (
	"time"

	"github.com/errorcatalog/errorcatalogprocessor/catalog"
)

// Defaults of the settings that have one. The README publishes them;
// changing one changes what every user without that key in their YAML gets.
const (
	// DefaultCodeAttribute is the vendor-neutral code attribute, always first
	// in the effective list when code_attributes is left unset.
	DefaultCodeAttribute = "error.code"
	// VendorCodeAttributeSuffix makes "<vendor id>.error.code", the
	// per-vendor code attribute bound to that vendor.
	VendorCodeAttributeSuffix = ".error.code"
	// DefaultVendorAttribute names the vendor of a code.
	DefaultVendorAttribute = "error.vendor"
	// DefaultPrefix is the prefix of every attribute the processor writes.
	DefaultPrefix = "error.catalog."
)

// DefaultHostAttributes are the attributes whose host resolves a vendor
// through the catalog's host patterns, in the order they are tried.
func DefaultHostAttributes() []string {
	return []string{"server.address", "url.full", "http.url", "peer.service"}
}

// Config is the errorcatalog processor's configuration.
type Config struct {
	// CodeAttributes are the attributes read for a code, in order; the first
	// holding a code value wins. Each is a key, optionally bound to a
	// vendor. Left unset (nil), the effective list is "error.code" followed
	// by "<vendor id>.error.code" bound to each catalog vendor; set, it is
	// used exactly as given (see EffectiveCodeAttributes).
	CodeAttributes []CodeAttribute `mapstructure:"code_attributes"`
	// VendorAttributes name the vendor by id or alias.
	VendorAttributes []string `mapstructure:"vendor_attributes"`
	// HostAttributes hold a host, host:port or URL matched against the
	// catalog's host patterns.
	HostAttributes []string `mapstructure:"host_attributes"`
	// InferVendor resolves a code no hint resolved when exactly one catalog
	// vendor documents it.
	InferVendor bool `mapstructure:"infer_vendor"`
	// Catalogs selects the catalogs to load.
	Catalogs CatalogsConfig `mapstructure:"catalogs"`
	// Output shapes the written attributes.
	Output OutputConfig `mapstructure:"output"`
	// SpanStatus sets a span's status to Error, with the entry's name as
	// message, where the entry's severity is error or critical and the
	// span's status is Unset.
	SpanStatus bool `mapstructure:"span_status"`
	// LogSeverity raises a log record's severity to the entry's when lower.
	LogSeverity bool `mapstructure:"log_severity"`
	// Payloads chooses where vendor error responses are looked for when no
	// code attribute holds a code.
	Payloads PayloadsConfig `mapstructure:"payloads"`
	// ErrorType reads the error.type attribute (semantic conventions) as a
	// place a code may be: only a catalog hit writes anything.
	ErrorType bool `mapstructure:"error_type"`
	// Text chooses the exception text read for codes written in it.
	Text TextConfig `mapstructure:"text"`
	// HTTPStatusFallback classifies a failed call to a vendor a hint names
	// from its HTTP status when no code was found anywhere.
	HTTPStatusFallback bool `mapstructure:"http_status_fallback"`

	// prevent unkeyed literals
	_ struct{}
}

// CatalogsConfig selects the catalogs the processor loads.
type CatalogsConfig struct {
	// Builtin loads the catalogs embedded in the processor.
	Builtin bool `mapstructure:"builtin"`
	// Files are catalog files loaded after the built-ins, in order: new
	// vendors, or overrides of loaded vendors' entries.
	Files []string `mapstructure:"files"`
	// ReloadInterval, when positive, re-reads Files that often and swaps in
	// the new catalog when they changed and load; a failed load keeps the
	// last good catalog.
	ReloadInterval time.Duration `mapstructure:"reload_interval"`

	// prevent unkeyed literals
	_ struct{}
}

// OutputConfig shapes the attributes the processor writes.
type OutputConfig struct {
	// Prefix is prepended to every written attribute name. The processor
	// owns the attributes under it on every record it reads a code from.
	Prefix string `mapstructure:"prefix"`
	// Attributes choose which attributes are written, by their name after
	// the prefix. The default (and nil) is every attribute but description.
	Attributes []Attribute `mapstructure:"attributes"`
	// Description also writes the entry's description (<prefix>description),
	// as listing description in Attributes does.
	Description bool `mapstructure:"description"`

	// prevent unkeyed literals
	_ struct{}
}

// PayloadsConfig chooses where vendor error responses (the bodies services
// log) are looked for, and bounds the work each one may cost. A payload is
// a place a code may be: only a catalog hit at a path a vendor declares
// writes anything.
type PayloadsConfig struct {
	// Enabled turns payload scanning on.
	Enabled bool `mapstructure:"enabled"`
	// LogBody scans a log record's body when it is a map, or a string
	// whose first non-space byte is '{'.
	LogBody bool `mapstructure:"log_body"`
	// MapAttributes scans every map-valued attribute of a record (what JSON
	// log parsers and structured-logging bridges produce).
	MapAttributes bool `mapstructure:"map_attributes"`
	// StringAttributes are string attributes scanned when they hold a JSON
	// object, such as the captured response body.
	StringAttributes []string `mapstructure:"string_attributes"`
	// MaxBytes is the longest JSON text scanned; longer text is skipped,
	// unread, and counted.
	MaxBytes int `mapstructure:"max_bytes"`
	// MaxDepth is the deepest nesting of objects and arrays searched.
	MaxDepth int `mapstructure:"max_depth"`
	// MaxKeys is how many object keys and array elements one payload may
	// hold; a larger one is skipped and counted.
	MaxKeys int `mapstructure:"max_keys"`

	// prevent unkeyed literals
	_ struct{}
}

// TextConfig chooses the text attributes read for codes, and bounds them.
type TextConfig struct {
	// Attributes are the text attributes read, in order; an empty list
	// reads none.
	Attributes []string `mapstructure:"attributes"`
	// MaxBytes is how much of each text is read; the rest is not looked at.
	MaxBytes int `mapstructure:"max_bytes"`

	// prevent unkeyed literals
	_ struct{}
}

// Defaults and bounds of the text block.
const (
	DefaultTextMaxBytes = 4096
	MaxTextBytes        = 1 << 20
	// ErrorTypeAttribute is the semantic conventions' error class attribute.
	ErrorTypeAttribute = "error.type"
)

// DefaultTextAttributes are the exception attributes of the semantic
// conventions, as instrumentation records them on span events, spans and
// log records.
func DefaultTextAttributes() []string { return []string{"exception.message", "exception.type"} }

// StatusAttributes are the attributes read for an HTTP response status,
// the stable one first.
func StatusAttributes() []string { return []string{"http.response.status_code", "http.status_code"} }

// Defaults of the payloads block.
const (
	// DefaultPayloadBodyAttribute is the semantic conventions' attribute for
	// a captured HTTP response body.
	DefaultPayloadBodyAttribute = "http.response.body.content"
	DefaultPayloadMaxBytes      = 64 << 10
	DefaultPayloadMaxDepth      = 8
	DefaultPayloadMaxKeys       = 1024
	// Bounds of the limits a configuration may set.
	MaxPayloadBytes = 16 << 20
	MaxPayloadDepth = 32
	MaxPayloadKeys  = 1 << 20
)

// DefaultPayloads returns the payloads block an empty configuration gets.
func DefaultPayloads() PayloadsConfig {
	return PayloadsConfig{
		Enabled:          true,
		LogBody:          true,
		MapAttributes:    true,
		StringAttributes: []string{DefaultPayloadBodyAttribute},
		MaxBytes:         DefaultPayloadMaxBytes,
		MaxDepth:         DefaultPayloadMaxDepth,
		MaxKeys:          DefaultPayloadMaxKeys,
	}
}

// CodeAttribute is one attribute read for a code. In YAML it is either a
// plain string (the key) or a map {key, vendor}; both decode, because
// UnmarshalText handles the string form and mapstructure decodes the map
// form into the fields.
type CodeAttribute struct {
	// Key is the attribute key.
	Key string `mapstructure:"key"`
	// Vendor, when set, binds the attribute to this vendor (id or alias):
	// a code read from it is looked up in that vendor's catalog only.
	Vendor string `mapstructure:"vendor"`
}

// UnmarshalText decodes the plain-string form of a code attribute. It is
// deliberately paired with no MarshalText, so that the configuration prints
// back as {key, vendor} and a binding is never lost.
func (a *CodeAttribute) UnmarshalText(text []byte) error {
	*a = CodeAttribute{Key: string(text)}
	return nil
}

// Default returns the default configuration: the one an empty
// `errorcatalog:` block gets.
func Default() *Config {
	return &Config{
		VendorAttributes: []string{DefaultVendorAttribute},
		HostAttributes:   DefaultHostAttributes(),
		InferVendor:      true,
		Catalogs: CatalogsConfig{
			Builtin: true,
		},
		Output: OutputConfig{
			Prefix:     DefaultPrefix,
			Attributes: DefaultAttributes(),
		},
		Payloads:  DefaultPayloads(),
		ErrorType: true,
		Text:      TextConfig{Attributes: DefaultTextAttributes(), MaxBytes: DefaultTextMaxBytes},
	}
}

// EffectiveCodeAttributes returns the code attributes the processor reads
// with the given catalog vendors: the configured list exactly as given, or,
// when code_attributes is unset, "error.code" followed by
// "<vendor id>.error.code" bound to each vendor in load order (built-ins,
// then file vendors). It is recomputed for every loaded catalog, so a vendor
// added by a reloaded file gets its own attribute.
func (c *Config) EffectiveCodeAttributes(vendors []*catalog.Vendor) []CodeAttribute {
	if c.CodeAttributes != nil {
		return c.CodeAttributes
	}
	out := make([]CodeAttribute, 0, 1+len(vendors))
	out = append(out, CodeAttribute{Key: DefaultCodeAttribute})
	for _, v := range vendors {
		out = append(out, CodeAttribute{Key: v.ID + VendorCodeAttributeSuffix, Vendor: v.ID})
	}
	return out
}

// LoadCatalog loads the configured catalogs: the built-ins when enabled,
// then the files in order. Each call returns a catalog nothing else shares,
// so every loaded catalog gets its own index.
func (c *Config) LoadCatalog() (*catalog.Catalog, error) {
	if !c.Catalogs.Builtin && len(c.Catalogs.Files) == 0 {
		return nil, ErrNoCatalog
	}
	return catalog.Load(c.Catalogs.Builtin, c.Catalogs.Files)
}
