package embed

import (
	"context"
	"fmt"
	"math"
	"net/http"
	"strconv"
	"strings"
	"time"

	openai "github.com/sashabaranov/go-openai"
)

// OpenAI embeds with the embeddings endpoint of any OpenAI-compatible service, asking for
// Dims dimensions (models that allow choosing, such as text-embedding-3-*).
type OpenAI struct {
	client *openai.Client
	model  string
	dims   int
}

// OpenAIConfig configures the embedder.
type OpenAIConfig struct {
	BaseURL string
	APIKey  string
	Model   string
	Dims    int
	Timeout time.Duration // per request; 0 means 60 s
}

// NewOpenAI returns the embedder.
func NewOpenAI(cfg OpenAIConfig) *OpenAI {
	c := openai.DefaultConfig(cfg.APIKey)
	if cfg.BaseURL != "" {
		c.BaseURL = strings.TrimSuffix(cfg.BaseURL, "/")
	}
	timeout := cfg.Timeout
	if timeout <= 0 {
		timeout = time.Minute
	}
	c.HTTPClient = &http.Client{Timeout: timeout}
	return &OpenAI{client: openai.NewClientWithConfig(c), model: cfg.Model, dims: cfg.Dims}
}

// Model implements Embedder: the service's model name and the dimensions asked for, since
// the same model at another size gives vectors that cannot be compared.
func (o *OpenAI) Model() string { return o.model + "/" + strconv.Itoa(o.dims) }

// Dims implements Embedder.
func (o *OpenAI) Dims() int { return o.dims }

// Embed implements Embedder. Vectors are checked for their size and made unit length.
func (o *OpenAI) Embed(ctx context.Context, texts []string) ([][]float32, error) {
	if len(texts) == 0 {
		return nil, nil
	}
	input := make([]string, len(texts))
	for i, t := range texts {
		input[i] = strings.Join(strings.Fields(t), " ") // newlines hurt some models
		if input[i] == "" {
			input[i] = " "
		}
	}
	resp, err := o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
		Input: input, Model: openai.EmbeddingModel(o.model), Dimensions: o.dims,
	})
	if err != nil {
		return nil, fmt.Errorf("error asking for embeddings: %w", err)
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) || out[d.Index] != nil {
			return nil, fmt.Errorf("the embeddings answer has a bad index %d", d.Index)
		}
		if len(d.Embedding) != o.dims {
			return nil, fmt.Errorf("the embeddings answer has %d dimensions, not %d", len(d.Embedding), o.dims)
		}
		out[d.Index] = unit(d.Embedding)
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("the embeddings answer lacks text %d", i)
		}
	}
	return out, nil
}

func unit(v []float32) []float32 {
	var n float64
	for _, x := range v {
		n += float64(x) * float64(x)
	}
	if n == 0 {
		return v
	}
	inv := 1 / math.Sqrt(n)
	out := make([]float32, len(v))
	for i, x := range v {
		out[i] = float32(float64(x) * inv)
	}
	return out
}
