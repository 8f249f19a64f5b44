package catalog

import (
	"fmt"
	"strings"
)

// Category is the coarse bucket dashboards group by. The set is closed: a
// catalog file naming anything else is rejected, because dashboards key on
// these exact strings.
type Category uint8

// The categories of the taxonomy. CategoryUnknown is written by the processor
// for a code it cannot resolve; catalogs may not use it.
const (
	CategoryUnknown Category = iota
	CategoryAuthentication
	CategoryAuthorization
	CategoryValidation
	CategoryNotFound
	CategoryConflict
	CategoryPrecondition
	CategoryRateLimit
	CategoryQuota
	CategoryPolicy
	CategoryTimeout
	CategoryUnavailable
	CategoryNetwork
	CategoryServer
	CategoryUnsupported
	CategorySuccess
	numCategories
)

var categoryNames = [numCategories]string{
	CategoryUnknown:        "unknown",
	CategoryAuthentication: "authentication",
	CategoryAuthorization:  "authorization",
	CategoryValidation:     "validation",
	CategoryNotFound:       "not_found",
	CategoryConflict:       "conflict",
	CategoryPrecondition:   "precondition",
	CategoryRateLimit:      "rate_limit",
	CategoryQuota:          "quota",
	CategoryPolicy:         "policy",
	CategoryTimeout:        "timeout",
	CategoryUnavailable:    "unavailable",
	CategoryNetwork:        "network",
	CategoryServer:         "server",
	CategoryUnsupported:    "unsupported",
	CategorySuccess:        "success",
}

// String returns the category's name as written into telemetry.
func (c Category) String() string {
	if c < numCategories {
		return categoryNames[c]
	}
	return fmt.Sprintf("Category(%d)", uint8(c))
}

// Categories returns every category, CategoryUnknown first.
func Categories() []Category {
	out := make([]Category, numCategories)
	for i := range out {
		out[i] = Category(i)
	}
	return out
}

// ParseCategory returns the category with the given name (exact, lower case).
func ParseCategory(s string) (Category, error) {
	for i, n := range categoryNames {
		if n == s {
			return Category(i), nil
		}
	}
	return 0, fmt.Errorf("unknown category %q (want one of %s)", s, strings.Join(categoryNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (c Category) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Category) UnmarshalText(b []byte) error {
	v, err := ParseCategory(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Class is the canonical error class: one of the 17 google.rpc.Code names.
// Its numeric value is the gRPC code, so Class(5) is NOT_FOUND.
type Class uint8

// The classes, numbered as google.rpc.Code.
const (
	ClassOK Class = iota
	ClassCancelled
	ClassUnknown
	ClassInvalidArgument
	ClassDeadlineExceeded
	ClassNotFound
	ClassAlreadyExists
	ClassPermissionDenied
	ClassResourceExhausted
	ClassFailedPrecondition
	ClassAborted
	ClassOutOfRange
	ClassUnimplemented
	ClassInternal
	ClassUnavailable
	ClassDataLoss
	ClassUnauthenticated
	numClasses
)

var classNames = [numClasses]string{
	ClassOK:                 "OK",
	ClassCancelled:          "CANCELLED",
	ClassUnknown:            "UNKNOWN",
	ClassInvalidArgument:    "INVALID_ARGUMENT",
	ClassDeadlineExceeded:   "DEADLINE_EXCEEDED",
	ClassNotFound:           "NOT_FOUND",
	ClassAlreadyExists:      "ALREADY_EXISTS",
	ClassPermissionDenied:   "PERMISSION_DENIED",
	ClassResourceExhausted:  "RESOURCE_EXHAUSTED",
	ClassFailedPrecondition: "FAILED_PRECONDITION",
	ClassAborted:            "ABORTED",
	ClassOutOfRange:         "OUT_OF_RANGE",
	ClassUnimplemented:      "UNIMPLEMENTED",
	ClassInternal:           "INTERNAL",
	ClassUnavailable:        "UNAVAILABLE",
	ClassDataLoss:           "DATA_LOSS",
	ClassUnauthenticated:    "UNAUTHENTICATED",
}

// String returns the class's google.rpc.Code name.
func (c Class) String() string {
	if c < numClasses {
		return classNames[c]
	}
	return fmt.Sprintf("Class(%d)", uint8(c))
}

// Classes returns every class in gRPC code order.
func Classes() []Class {
	out := make([]Class, numClasses)
	for i := range out {
		out[i] = Class(i)
	}
	return out
}

// ParseClass returns the class with the given google.rpc.Code name (exact, upper case).
func ParseClass(s string) (Class, error) {
	for i, n := range classNames {
		if n == s {
			return Class(i), nil
		}
	}
	return 0, fmt.Errorf("unknown class %q (want one of %s)", s, strings.Join(classNames[:], ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (c Class) MarshalText() ([]byte, error) { return []byte(c.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (c *Class) UnmarshalText(b []byte) error {
	v, err := ParseClass(string(b))
	if err != nil {
		return err
	}
	*c = v
	return nil
}

// Severity is what a failure means to an operator. The order matters: a
// higher value is more severe, so comparisons like s >= SeverityError work.
type Severity uint8

// The severities, least severe first.
const (
	SeverityInfo Severity = iota
	SeverityWarning
	SeverityError
	SeverityCritical
	numSeverities
)

// severities describes each severity once: the name written into
// telemetry, and the OpenTelemetry log SeverityNumber and short name
// (SeverityText) it corresponds to.
var severities = [numSeverities]struct {
	name   string
	number int32
	text   string
}{
	SeverityInfo:     {"info", 9, "INFO"},
	SeverityWarning:  {"warning", 13, "WARN"},
	SeverityError:    {"error", 17, "ERROR"},
	SeverityCritical: {"critical", 21, "FATAL"},
}

// String returns the severity's name as written into telemetry.
func (s Severity) String() string {
	if s < numSeverities {
		return severities[s].name
	}
	return fmt.Sprintf("Severity(%d)", uint8(s))
}

// Number returns the OpenTelemetry SeverityNumber of the severity, 0 for
// a value outside the taxonomy.
func (s Severity) Number() int32 {
	if s < numSeverities {
		return severities[s].number
	}
	return 0
}

// Text returns the OpenTelemetry short name of the severity's
// SeverityNumber ("INFO", "WARN", "ERROR", "FATAL"), "" for a value
// outside the taxonomy.
func (s Severity) Text() string {
	if s < numSeverities {
		return severities[s].text
	}
	return ""
}

// Severities returns every severity, least severe first.
func Severities() []Severity {
	return []Severity{SeverityInfo, SeverityWarning, SeverityError, SeverityCritical}
}

// ParseSeverity returns the severity with the given name (exact, lower case).
func ParseSeverity(s string) (Severity, error) {
	names := make([]string, 0, numSeverities)
	for i, d := range severities {
		if d.name == s {
			return Severity(i), nil
		}
		names = append(names, d.name)
	}
	return 0, fmt.Errorf("unknown severity %q (want one of %s)", s, strings.Join(names, ", "))
}

// MarshalText implements encoding.TextMarshaler.
func (s Severity) MarshalText() ([]byte, error) { return []byte(s.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler.
func (s *Severity) UnmarshalText(b []byte) error {
	v, err := ParseSeverity(string(b))
	if err != nil {
		return err
	}
	*s = v
	return nil
}

// CodeType is the shape of a vendor's codes.
type CodeType uint8

// The code shapes a vendor can declare.
const (
	// CodeTypeInt vendors use integer codes (Speakap -3, Zingle 2601).
	CodeTypeInt CodeType = iota
	// CodeTypeString vendors use symbolic codes (CometChat ERR_UID_NOT_FOUND),
	// matched case-insensitively.
	CodeTypeString
)

// String returns the code type's name as written in catalog files.
func (t CodeType) String() string {
	switch t {
	case CodeTypeInt:
		return "int"
	case CodeTypeString:
		return "string"
	}
	return fmt.Sprintf("CodeType(%d)", uint8(t))
}

// ParseCodeType returns the code type with the given name.
func ParseCodeType(s string) (CodeType, error) {
	switch s {
	case "int":
		return CodeTypeInt, nil
	case "string":
		return CodeTypeString, nil
	}
	return 0, fmt.Errorf("unknown code_type %q (want int or string)", s)
}
