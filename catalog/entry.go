package catalog

// Vendor is one vendor's metadata from its catalog file.
type Vendor struct {
	// ID is the vendor id written to error.catalog.vendor, e.g. "netease_im".
	ID string
	// Name is the display name, e.g. "NetEase Yunxin IM".
	Name string
	// Aliases are other names accepted in the vendor attribute, matched
	// case-insensitively like the ID.
	Aliases []string
	// Hosts are host patterns: an exact host, or "*.domain" matching the
	// domain itself and every host under it.
	Hosts []string
	// CodeType is the shape of the vendor's codes.
	CodeType CodeType
	// Source names the vendor document the catalog was built from.
	Source string
	// Version is the catalog version of this vendor's entries.
	Version string
	// Responses are where the vendor's error responses carry the code.
	Responses []ResponseShape
	// HTTPStatuses are what the vendor documents its HTTP error statuses
	// to mean, for calls where no code was seen: entries whose IntCode is
	// the status. Statuses it does not document fall back to the standard
	// table (StatusEntry).
	HTTPStatuses []*Entry
	// File and Line locate the vendor's definition, for messages.
	File string
	Line int

	// pos is the vendor's position in the Catalog Load built it for; an
	// Index checks it before trusting it (see Index.position).
	pos int
}

// Entry is one documented error code of one vendor.
type Entry struct {
	Vendor *Vendor
	// Code is the vendor's spelling of the code, e.g. "-3" or "ERR_UID_NOT_FOUND".
	Code string
	// IntCode is the numeric code for CodeTypeInt vendors.
	IntCode int64
	// Name is a short title for dashboard legends.
	Name string
	// Description is the vendor's own explanation.
	Description string
	// Section is the vendor document's section, when it has one.
	Section string
	// HTTPStatus is the status the vendor documents with the code; 0 when none.
	HTTPStatus int
	Category   Category
	Class      Class
	Severity   Severity
	// Retryable tells whether retrying the same call can succeed.
	Retryable bool
	// File and Line locate the entry's definition, for messages.
	File string
	Line int
}

// VendorCatalog is one vendor and its entries, in document order.
type VendorCatalog struct {
	Vendor  *Vendor
	Entries []*Entry
}

// Catalog is a merged set of vendor catalogs, in load order.
type Catalog struct {
	Vendors []*VendorCatalog
}

// Entries returns every entry, vendor by vendor in load order, each vendor's
// entries in document order.
func (c *Catalog) Entries() []*Entry {
	n := 0
	for _, vc := range c.Vendors {
		n += len(vc.Entries)
	}
	out := make([]*Entry, 0, n)
	for _, vc := range c.Vendors {
		out = append(out, vc.Entries...)
	}
	return out
}
