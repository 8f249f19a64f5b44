package e2e

import (
	"bufio"
	"bytes"
	"errors"
	"fmt"
	"io"
	"os"
	"strings"
	"testing"

	"go.yaml.in/yaml/v3"
	appsv1 "k8s.io/api/apps/v1"
	autoscalingv2 "k8s.io/api/autoscaling/v2"
	corev1 "k8s.io/api/core/v1"
	policyv1 "k8s.io/api/policy/v1"
	"k8s.io/apimachinery/pkg/runtime"
	"k8s.io/apimachinery/pkg/runtime/schema"
	kjson "k8s.io/apimachinery/pkg/runtime/serializer/json"
	utilyaml "k8s.io/apimachinery/pkg/util/yaml"
)

// Decoding deploy/kubernetes the way the API server does under
// `kubectl apply --validate=strict`: each document is decoded by its
// apiVersion and kind into the k8s.io/api type, and an unknown or
// duplicated field, a field spelled in the wrong case or a value of the
// wrong type is an error that names the field.

// k8sScheme knows the API groups the manifests may use. A kind outside it
// (or an apiVersion the cluster no longer serves, such as
// autoscaling/v2beta2) fails to decode.
var k8sScheme = func() *runtime.Scheme {
	s := runtime.NewScheme()
	for _, add := range []func(*runtime.Scheme) error{
		corev1.AddToScheme, appsv1.AddToScheme, autoscalingv2.AddToScheme, policyv1.AddToScheme,
	} {
		if err := add(s); err != nil {
			panic(err)
		}
	}
	return s
}()

// k8sDecoder is apimachinery's YAML serializer in strict mode: the one the
// API server's strict field validation uses (sigs.k8s.io/json, case
// sensitive, and a YAML pass that rejects duplicate keys).
var k8sDecoder = kjson.NewSerializerWithOptions(kjson.DefaultMetaFactory, k8sScheme, k8sScheme,
	kjson.SerializerOptions{Yaml: true, Strict: true})

// k8sObject is one decoded manifest document.
type k8sObject struct {
	gvk schema.GroupVersionKind
	obj runtime.Object
}

// decodeK8sManifest strictly decodes every document of a manifest file.
// Documents holding only comments are skipped, as kubectl skips them.
func decodeK8sManifest(data []byte) ([]k8sObject, error) {
	r := utilyaml.NewYAMLReader(bufio.NewReader(bytes.NewReader(data)))
	var objs []k8sObject
	for i := 0; ; i++ {
		doc, err := r.Read()
		if errors.Is(err, io.EOF) {
			return objs, nil
		} else if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		if empty, err := isEmptyYAML(doc); err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		} else if empty {
			continue
		}
		// A strict decoding error comes with a decoded object; it is an
		// error all the same.
		obj, gvk, err := k8sDecoder.Decode(doc, nil, nil)
		if err != nil {
			return nil, fmt.Errorf("document %d: %w", i, err)
		}
		objs = append(objs, k8sObject{gvk: *gvk, obj: obj})
	}
}

// isEmptyYAML reports whether a YAML document holds no value.
func isEmptyYAML(doc []byte) (bool, error) {
	j, err := utilyaml.ToJSON(doc)
	if err != nil {
		return false, err
	}
	return string(bytes.TrimSpace(j)) == "null", nil
}

// kustomization is kustomization.yaml: not an API object, so not in
// k8s.io/api. These are the fields of kustomize's types.Kustomization
// (sigs.k8s.io/kustomize/api/types) the file uses; add a field here, under
// kustomize's name for it, before using it in the file.
type kustomization struct {
	APIVersion string           `yaml:"apiVersion"`
	Kind       string           `yaml:"kind"`
	Namespace  string           `yaml:"namespace"`
	Resources  []string         `yaml:"resources"`
	Labels     []kustomizeLabel `yaml:"labels"`
	Images     []kustomizeImage `yaml:"images"`
}

type kustomizeLabel struct {
	Pairs            map[string]string `yaml:"pairs"`
	IncludeSelectors bool              `yaml:"includeSelectors"`
	IncludeTemplates bool              `yaml:"includeTemplates"`
}

type kustomizeImage struct {
	Name    string `yaml:"name"`
	NewName string `yaml:"newName"`
	NewTag  string `yaml:"newTag"`
	Digest  string `yaml:"digest"`
}

// decodeKustomization decodes kustomization.yaml, rejecting fields the
// struct does not know, as kustomize itself does.
func decodeKustomization(data []byte) (*kustomization, error) {
	dec := yaml.NewDecoder(bytes.NewReader(data))
	dec.KnownFields(true)
	var k kustomization
	if err := dec.Decode(&k); err != nil {
		return nil, err
	}
	return &k, nil
}

// TestDeployManifestsAreStrict: the decoding the deploy tests rely on has
// teeth. Each case edits one of the shipped manifests the way a typo would
// and expects an error naming the field; the unedited files decode.
func TestDeployManifestsAreStrict(t *testing.T) {
	tests := []struct {
		name     string
		file     string
		from, to string // the edit; none when from is empty
		want     string // a substring of the error; none expected when empty
	}{
		{name: "shipped Deployment", file: "deployment.yaml"},
		{name: "shipped Services", file: "service.yaml"},
		{name: "shipped kustomization", file: "kustomization.yaml"},
		{
			name: "misspelled Deployment field", file: "deployment.yaml",
			from: "  replicas: 2\n", to: "  replcas: 2\n",
			want: `unknown field "spec.replcas"`,
		},
		{
			name: "misspelled containerPort", file: "deployment.yaml",
			from: "containerPort: 4317", to: "containerPrt: 4317",
			want: `unknown field "spec.template.spec.containers[0].ports[0].containerPrt"`,
		},
		{
			// encoding/json (and so sigs.k8s.io/yaml.UnmarshalStrict)
			// would match this case-insensitively; the API server does not.
			name: "field in the wrong case", file: "deployment.yaml",
			from: "containerPort: 4318", to: "ContainerPort: 4318",
			want: `unknown field "spec.template.spec.containers[0].ports[1].ContainerPort"`,
		},
		{
			name: "misspelled probe field", file: "deployment.yaml",
			from: "          readinessProbe:\n            httpGet:\n", to: "          readinessProbe:\n            httpGett:\n",
			want: `unknown field "spec.template.spec.containers[0].readinessProbe.httpGett"`,
		},
		{
			name: "duplicated field", file: "deployment.yaml",
			from: "  replicas: 2\n", to: "  replicas: 2\n  replicas: 3\n",
			want: `"replicas" already set`,
		},
		{
			name: "value of the wrong type", file: "deployment.yaml",
			from: "  replicas: 2\n", to: "  replicas: two\n",
			want: "spec.replicas",
		},
		{
			name: "apiVersion no longer served", file: "deployment.yaml",
			from: "apiVersion: apps/v1\n", to: "apiVersion: extensions/v1beta1\n",
			want: `no kind "Deployment" is registered for version "extensions/v1beta1"`,
		},
		{
			name: "misspelled targetPort, second document", file: "service.yaml",
			from: "      targetPort: metrics\n", to: "      targetPrt: metrics\n",
			want: `document 1: strict decoding error: unknown field "spec.ports[2].targetPrt"`,
		},
		{
			name: "misspelled HPA field", file: "hpa.yaml",
			from: "minReplicas:", to: "minReplica:",
			want: `unknown field "spec.minReplica"`,
		},
		{
			name: "misspelled PDB field", file: "pdb.yaml",
			from: "minAvailable:", to: "minAvailble:",
			want: `unknown field "spec.minAvailble"`,
		},
		{
			name: "misspelled ConfigMap field", file: "catalogs-configmap.yaml",
			from: "\ndata:\n", to: "\ndatas:\n",
			want: `unknown field "datas"`,
		},
		{
			name: "misspelled ServiceAccount field", file: "serviceaccount.yaml",
			from: "automountServiceAccountToken:", to: "automountServiceAccountTokens:",
			want: `unknown field "automountServiceAccountTokens"`,
		},
		{
			name: "misspelled kustomization field", file: "kustomization.yaml",
			from: "\nresources:\n", to: "\nresource:\n",
			want: "field resource not found",
		},
		{
			name: "misspelled kustomization label field", file: "kustomization.yaml",
			from: "includeSelectors:", to: "includeSelector:",
			want: "field includeSelector not found",
		},
	}
	for _, tt := range tests {
		t.Run(tt.name, func(t *testing.T) {
			data, err := os.ReadFile(deployPath(t, "kubernetes", tt.file))
			if err != nil {
				t.Fatal(err)
			}
			text := string(data)
			if tt.from != "" {
				if strings.Count(text, tt.from) != 1 {
					t.Fatalf("test premise: %s contains %q once", tt.file, tt.from)
				}
				text = strings.Replace(text, tt.from, tt.to, 1)
			}
			if tt.file == "kustomization.yaml" {
				_, err = decodeKustomization([]byte(text))
			} else {
				_, err = decodeK8sManifest([]byte(text))
			}
			switch {
			case tt.want == "" && err != nil:
				t.Fatalf("%s: %v", tt.file, err)
			case tt.want == "":
			case err == nil:
				t.Fatalf("%s with %q for %q decoded without error; want one containing %q", tt.file, tt.to, tt.from, tt.want)
			case !strings.Contains(err.Error(), tt.want):
				t.Fatalf("%s: error %q does not contain %q", tt.file, err, tt.want)
			default:
				t.Logf("%s: %v", tt.file, err)
			}
		})
	}
}
