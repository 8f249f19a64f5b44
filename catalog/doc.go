// Package catalog holds the error catalogs of the errorcatalog processor:
// the entry model and taxonomy, the YAML catalog format (format:
// errorcatalog/v1), loading and validation, the built-in vendor catalogs,
// the lookup Index, and export to JSON, CSV and Markdown.
//
// A program loads a catalog once, builds an Index, and looks codes up from
// any number of goroutines:
//
//	c, err := catalog.Load(true, []string{"/etc/otel/catalogs/acme.yaml"})
//	if err != nil {
//		return err // every problem, each with file:line and entry
//	}
//	ix := catalog.NewIndex(c)
//	v, _ := ix.VendorByHost("https://api-us.cometchat.io/v3/users")
//	code, _ := catalog.StringCode("ERR_TOO_MANY_REQUESTS")
//	e, ok := ix.Lookup(v, code) // e.Category == catalog.CategoryRateLimit
//
// Catalog files are bounded: at most MaxFileSize bytes, a bounded YAML
// structure, and no anchors or aliases, so no file can make the loader
// build much more than it reads. Lookups never allocate.
//
// The package knows nothing of telemetry: it has no pdata dependency.
package catalog
