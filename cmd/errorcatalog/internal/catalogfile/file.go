package catalogfile

// Vendor is the vendor a catalog file defines.
type Vendor struct {
	ID, Name       string
	Aliases, Hosts []string
	CodeType       string // "int" or "string"
	Source         string
	Version        string
}

// Entry is one documented error code.
type Entry struct {
	// Code is the code as documented; written as a YAML integer when the
	// vendor's CodeType is int.
	Code                       string
	Name, Description, Section string
	// HTTPStatus is the status the vendor documents with the code; 0: none.
	HTTPStatus                int
	Category, Class, Severity string
	Retryable                 bool
	// Comment holds the comment lines written above the entry, without "# ".
	Comment []string
}

// File is one vendor's catalog file.
type File struct {
	// Comment holds the file's head comment lines, without "# ".
	Comment []string
	Vendor  Vendor
	Entries []Entry
}
