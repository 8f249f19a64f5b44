package config

import (
	"fmt"
	"strings"
)

// Attribute is one attribute the processor can write, named by what
// follows output.prefix (<prefix>category, ...). In YAML it is that name;
// an unknown name fails while the configuration is decoded.
type Attribute uint8

// The attributes the processor can write, in the order it writes them.
const (
	AttributeVendor Attribute = iota
	AttributeCode
	AttributeName
	AttributeCategory
	AttributeClass
	AttributeSeverity
	AttributeRetryable
	AttributeHTTPStatus
	AttributeDescription
	numAttributes
)

// attributeNames is the one list of the written attributes' names.
var attributeNames = [numAttributes]string{
	AttributeVendor:      "vendor",
	AttributeCode:        "code",
	AttributeName:        "name",
	AttributeCategory:    "category",
	AttributeClass:       "class",
	AttributeSeverity:    "severity",
	AttributeRetryable:   "retryable",
	AttributeHTTPStatus:  "http_status",
	AttributeDescription: "description",
}

// Attributes returns every attribute the processor can write, in order.
func Attributes() []Attribute {
	out := make([]Attribute, numAttributes)
	for i := range out {
		out[i] = Attribute(i)
	}
	return out
}

// DefaultAttributes returns the attributes written by default: all but
// description, which is long free text and costs storage on every record.
func DefaultAttributes() []Attribute {
	return Attributes()[:AttributeDescription]
}

// String returns the attribute's name after the prefix.
func (a Attribute) String() string {
	if a < numAttributes {
		return attributeNames[a]
	}
	return fmt.Sprintf("Attribute(%d)", uint8(a))
}

// MarshalText implements encoding.TextMarshaler.
func (a Attribute) MarshalText() ([]byte, error) { return []byte(a.String()), nil }

// UnmarshalText implements encoding.TextUnmarshaler, so that a misspelled
// name fails while the configuration is decoded, with the value quoted.
func (a *Attribute) UnmarshalText(text []byte) error {
	s := string(text)
	for i, n := range attributeNames {
		if n == s {
			*a = Attribute(i)
			return nil
		}
	}
	return fmt.Errorf("unknown attribute %q (want one of %s)", s, strings.Join(attributeNames[:], ", "))
}

// WrittenAttributes returns the set of attributes the processor writes:
// output.attributes (DefaultAttributes when nil, as in a Config built
// without Default), plus description when output.description is true.
// Bit a of the result is set for attribute a.
func (c *Config) WrittenAttributes() uint16 {
	list := c.Output.Attributes
	if list == nil {
		list = DefaultAttributes()
	}
	var set uint16
	for _, a := range list {
		if a < numAttributes {
			set |= 1 << a
		}
	}
	if c.Output.Description {
		set |= 1 << AttributeDescription
	}
	return set
}
