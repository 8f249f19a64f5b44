// Package connector is the errormetrics connector: it turns the spans,
// span events and log records the errorcatalog processor enriched into one
// counter, errorcatalog.errors, whose dimensions are bounded by the
// catalog, so that alert rules fire on canonical classes whatever signal
// carried the error.
package connector // import "github.com/errorcatalog/errorcatalogprocessor/connector"

import (
	"errors"
	"fmt"
	"time"

	"github.com/errorcatalog/errorcatalogprocessor/config"
)

// Temporality is how the counter's points relate to each other.
type Temporality string

const (
	// Cumulative points count from the series' start; what
	// prometheusremotewrite accepts.
	Cumulative Temporality = "cumulative"
	// Delta points count since the previous flush.
	Delta Temporality = "delta"
)

// UnmarshalText refuses any other value while the configuration is decoded.
func (t *Temporality) UnmarshalText(b []byte) error {
	switch v := Temporality(b); v {
	case Cumulative, Delta:
		*t = v
		return nil
	}
	return fmt.Errorf("unknown temporality %q (want cumulative or delta)", string(b))
}

// Dimension is an extra attribute counted as a dimension, read from the
// record, then its resource.
type Dimension struct {
	// Name is the attribute key, and the dimension's name.
	Name string `mapstructure:"name"`
	// MaxValues caps its distinct values; later ones are counted as
	// "_other".
	MaxValues int `mapstructure:"max_values"`
}

// Config is the errormetrics connector's configuration.
type Config struct {
	// Prefix is the errorcatalog processor's output.prefix: the attributes
	// read are <prefix>category, <prefix>vendor, ...
	Prefix string `mapstructure:"prefix"`
	// Catalogs are the catalogs whose vendor ids and entry names are the
	// values vendor and name may take; the processor's.
	Catalogs config.CatalogsConfig `mapstructure:"catalogs"`
	// Dimensions are extra dimensions, each with a cap.
	Dimensions []Dimension `mapstructure:"dimensions"`
	// MaxServices caps the distinct service.name values.
	MaxServices int `mapstructure:"max_services"`
	// MaxSeries caps the series kept; records of new series beyond it are
	// counted in one overflow series whose dimensions are all "_other".
	MaxSeries int `mapstructure:"max_series"`
	// Temporality of the counter.
	Temporality Temporality `mapstructure:"temporality"`
	// FlushInterval is how often the counter is exported.
	FlushInterval time.Duration `mapstructure:"flush_interval"`
	// IdleTimeout drops a cumulative series not counted for this long.
	IdleTimeout time.Duration `mapstructure:"idle_timeout"`

	// prevent unkeyed literals
	_ struct{}
}

// MaxDimensions bounds the extra dimensions.
const MaxDimensions = 4

// Default returns the default configuration.
func Default() *Config {
	return &Config{
		Prefix:        config.DefaultPrefix,
		Catalogs:      config.CatalogsConfig{Builtin: true},
		MaxServices:   1000,
		MaxSeries:     100_000,
		Temporality:   Cumulative,
		FlushInterval: 15 * time.Second,
		IdleTimeout:   5 * time.Minute,
	}
}

// Validate checks the configuration; the catalogs are loaded at start.
func (c *Config) Validate() error {
	var errs []error
	if c.Prefix == "" || c.Prefix[len(c.Prefix)-1] != '.' {
		errs = append(errs, errors.New(`prefix: must be non-empty and end with "."`))
	}
	if !c.Catalogs.Builtin && len(c.Catalogs.Files) == 0 {
		errs = append(errs, errors.New("catalogs: no catalog: builtin is false and files is empty"))
	}
	if len(c.Dimensions) > MaxDimensions {
		errs = append(errs, fmt.Errorf("dimensions: at most %d, got %d", MaxDimensions, len(c.Dimensions)))
	}
	seen := map[string]int{}
	for i, d := range c.Dimensions {
		switch {
		case d.Name == "":
			errs = append(errs, fmt.Errorf("dimensions[%d].name: required", i))
		case isBuiltinDimension(d.Name):
			errs = append(errs, fmt.Errorf("dimensions[%d].name: %q is a dimension already", i, d.Name))
		default:
			if j, dup := seen[d.Name]; dup {
				errs = append(errs, fmt.Errorf("dimensions[%d].name: duplicate %q (also dimensions[%d])", i, d.Name, j))
			}
			seen[d.Name] = i
		}
		if d.MaxValues < 1 || d.MaxValues > 10_000 {
			errs = append(errs, fmt.Errorf("dimensions[%d].max_values: %d (want 1 to 10000)", i, d.MaxValues))
		}
	}
	if c.MaxServices < 1 {
		errs = append(errs, fmt.Errorf("max_services: %d (want at least 1)", c.MaxServices))
	}
	if c.MaxSeries < 1 {
		errs = append(errs, fmt.Errorf("max_series: %d (want at least 1)", c.MaxSeries))
	}
	if c.FlushInterval < 100*time.Millisecond {
		errs = append(errs, fmt.Errorf("flush_interval: %v (want at least 100ms)", c.FlushInterval))
	}
	if c.Temporality == Cumulative && c.IdleTimeout < c.FlushInterval {
		errs = append(errs, fmt.Errorf("idle_timeout: %v is shorter than flush_interval %v", c.IdleTimeout, c.FlushInterval))
	}
	if c.Temporality != Cumulative && c.Temporality != Delta {
		errs = append(errs, fmt.Errorf("temporality: %q (want cumulative or delta)", c.Temporality))
	}
	return errors.Join(errs...)
}
