package catalog

import (
	"fmt"
	"net/http"
	"strconv"
	"strings"

	"go.yaml.in/yaml/v3"
)

// HTTP statuses, for calls where no vendor code was seen: what a status
// means when the vendor's catalog does not say (the standard table), and
// what it means when it does (Vendor.HTTPStatuses).

// StatusVendorID is the vendor id the standard table is exported under
// (`errorcatalog export --vendor http`). It is not a catalog vendor: no
// record is ever resolved to it.
const StatusVendorID = "http"

// statusVendor is the pseudo-vendor of the standard table's entries.
var statusVendor = &Vendor{
	ID:       StatusVendorID,
	Name:     "HTTP status (standard table)",
	CodeType: CodeTypeInt,
	Source:   "RFC 9110 reason phrases; classes after google.rpc.Code's HTTP mapping and AIP-193",
}

// statusRule is how a range of statuses is classified.
type statusRule struct {
	category  Category
	class     Class
	severity  Severity
	retryable bool
}

// statusRules are the statuses classified apart from their class of
// statuses (4xx: validation, INVALID_ARGUMENT, warning; 5xx: server,
// INTERNAL, error). The reasons:
//   - 401, 403: google.rpc's UNAUTHENTICATED and PERMISSION_DENIED. From a
//     vendor's API these mean a broken integration (a bad or revoked key),
//     so severity error.
//   - 402: FAILED_PRECONDITION, quota: the account's plan or payment
//     lapsed, a broken integration (severity error).
//   - 404, 410: NOT_FOUND; gone is not found.
//   - 405, 501: UNIMPLEMENTED, unsupported: the endpoint does not do that.
//   - 408, 504: DEADLINE_EXCEEDED, timeout, retryable: the request took too
//     long, whichever side gave up.
//   - 409: ABORTED, conflict. AIP-193 allows ALREADY_EXISTS too, but with
//     no code to tell them apart, a concurrent change (retry after reading
//     again) is the reading that does not claim more than the status does.
//   - 412, 423, 424, 428: FAILED_PRECONDITION: the resource's state forbids
//     the call.
//   - 429: RESOURCE_EXHAUSTED, rate_limit, retryable.
//   - 451: FAILED_PRECONDITION, policy (blocked for legal reasons).
//   - 499: CANCELLED (the client closed the request), network.
//   - 502: INTERNAL like the other 5xx, but retryable: the vendor's gateway
//     failed, the next attempt may reach a healthy backend.
//   - 503: UNAVAILABLE, retryable.
var statusRules = map[int]statusRule{
	401: {CategoryAuthentication, ClassUnauthenticated, SeverityError, false},
	402: {CategoryQuota, ClassFailedPrecondition, SeverityError, false},
	403: {CategoryAuthorization, ClassPermissionDenied, SeverityError, false},
	404: {CategoryNotFound, ClassNotFound, SeverityWarning, false},
	405: {CategoryUnsupported, ClassUnimplemented, SeverityError, false},
	408: {CategoryTimeout, ClassDeadlineExceeded, SeverityWarning, true},
	409: {CategoryConflict, ClassAborted, SeverityWarning, false},
	410: {CategoryNotFound, ClassNotFound, SeverityWarning, false},
	412: {CategoryPrecondition, ClassFailedPrecondition, SeverityWarning, false},
	423: {CategoryPrecondition, ClassFailedPrecondition, SeverityWarning, false},
	424: {CategoryPrecondition, ClassFailedPrecondition, SeverityWarning, false},
	428: {CategoryPrecondition, ClassFailedPrecondition, SeverityWarning, false},
	429: {CategoryRateLimit, ClassResourceExhausted, SeverityWarning, true},
	451: {CategoryPolicy, ClassFailedPrecondition, SeverityWarning, false},
	499: {CategoryNetwork, ClassCancelled, SeverityWarning, false},
	501: {CategoryUnsupported, ClassUnimplemented, SeverityError, false},
	502: {CategoryServer, ClassInternal, SeverityError, true},
	503: {CategoryUnavailable, ClassUnavailable, SeverityError, true},
	504: {CategoryTimeout, ClassDeadlineExceeded, SeverityError, true},
}

// extraReasons are reason phrases net/http does not know.
var extraReasons = map[int]string{499: "Client Closed Request"}

// statusTable is the standard table, built once: every status 400..599.
var statusTable = func() []*Entry {
	out := make([]*Entry, 0, 200)
	for st := 400; st <= 599; st++ {
		name := http.StatusText(st)
		if n, ok := extraReasons[st]; ok {
			name = n
		}
		r, ok := statusRules[st]
		switch {
		case ok:
		case st < 500:
			r = statusRule{CategoryValidation, ClassInvalidArgument, SeverityWarning, false}
		default:
			r = statusRule{CategoryServer, ClassInternal, SeverityError, false}
		}
		desc := "HTTP " + strconv.Itoa(st)
		if name == "" {
			if st < 500 {
				name = "Client Error"
			} else {
				name = "Server Error"
			}
			desc += ": unassigned; classified as its class of statuses"
		} else {
			desc += " " + name
		}
		out = append(out, &Entry{
			Vendor: statusVendor, Code: strconv.Itoa(st), IntCode: int64(st), Name: name, Description: desc,
			HTTPStatus: st, Category: r.category, Class: r.class, Severity: r.severity, Retryable: r.retryable,
		})
	}
	return out
}()

// StatusEntry returns what HTTP status st means for vendor v: the vendor's
// own documented meaning when its catalog has one, else the standard
// table's. It returns nil for a status outside 400..599.
func StatusEntry(v *Vendor, st int) *Entry {
	if st < 400 || st > 599 {
		return nil
	}
	if v != nil {
		for _, e := range v.HTTPStatuses {
			if e.IntCode == int64(st) {
				return e
			}
		}
	}
	return statusTable[st-400]
}

// StatusTable returns the standard table: one entry for every status
// 400..599, under the pseudo-vendor StatusVendorID. The slice is shared; do
// not modify it.
func StatusTable() []*Entry { return statusTable }

// StatusCatalog returns the standard table as a catalog of one vendor, for
// export.
func StatusCatalog() *Catalog {
	return &Catalog{Vendors: []*VendorCatalog{{Vendor: statusVendor, Entries: statusTable}}}
}

var statusFields = []string{"status", "name", "description", "category", "class", "severity", "retryable"}

// httpStatuses walks a vendor's http_statuses list.
func (d *decoder) httpStatuses(n *yaml.Node, where string, v *Vendor) []*Entry {
	if n.Kind == yaml.ScalarNode && n.ShortTag() == "!!null" {
		return nil
	}
	if n.Kind != yaml.SequenceNode {
		d.p.add(n.Line, where, "http_statuses must be a list of {%s}, got %s", strings.Join(statusFields, ", "), describe(n))
		return nil
	}
	var out []*Entry
	seen := map[int64]int{}
	for i, c := range n.Content {
		at := fmt.Sprintf("%s http_statuses[%d]", where, i)
		if c.Kind != yaml.MappingNode {
			d.p.add(c.Line, at, "want a mapping with %s; got %s", strings.Join(statusFields, ", "), describe(c))
			continue
		}
		before := len(d.p.list) + d.p.dropped
		fs := d.fields(c, at, statusFields)
		e := &Entry{Vendor: v, File: d.f.Name, Line: c.Line}
		if f, ok := fs["status"]; !ok {
			d.p.add(c.Line, at, "missing status")
		} else if f.val.Kind != yaml.ScalarNode || f.val.ShortTag() != "!!int" {
			d.p.add(f.val.Line, at, "status must be an integer, got %s", describe(f.val))
		} else if st, err := strconv.ParseInt(f.val.Value, 10, 32); err != nil || st < 400 || st > 599 {
			d.p.add(f.val.Line, at, "status %s outside 400..599 (only error statuses are classified)", truncate(f.val.Value))
		} else if first, dup := seen[st]; dup {
			d.p.add(f.val.Line, at, "status %d repeated (first at line %d)", st, first)
		} else {
			seen[st] = f.val.Line
			e.IntCode, e.Code, e.HTTPStatus = st, strconv.FormatInt(st, 10), int(st)
			at = fmt.Sprintf("%s http_statuses: status %d", where, st)
		}
		d.entryBody(c, fs, at, e)
		if len(d.p.list)+d.p.dropped == before {
			out = append(out, e)
		}
	}
	return out
}
