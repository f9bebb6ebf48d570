package embed

import (
	"context"
	"fmt"
	"math"
	"strconv"
	"strings"

	openai "github.com/sashabaranov/go-openai"

	"github.com/mirubato/mirubato/internal/ai"
)

// OpenAI embeds with the embeddings endpoint of any OpenAI-compatible service, asking for
// Dims dimensions (models that allow choosing, such as text-embedding-3-*).
type OpenAI struct {
	client *openai.Client
	model  string
	dims   int
}

// NewOpenAI returns the embedder: model at the service of cfg, asked for dims dimensions.
func NewOpenAI(cfg ai.Config, model string, dims int) *OpenAI {
	return &OpenAI{client: ai.NewClient(cfg), model: model, dims: dims}
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
	var resp openai.EmbeddingResponse
	err := ai.Call(ctx, func(ctx context.Context) error {
		var err error
		resp, err = o.client.CreateEmbeddings(ctx, openai.EmbeddingRequestStrings{
			Input: input, Model: openai.EmbeddingModel(o.model), Dimensions: o.dims,
		})
		return err
	})
	if err != nil {
		return nil, fmt.Errorf("error asking for embeddings: %w", err)
	}
	out := make([][]float32, len(texts))
	for _, d := range resp.Data {
		if d.Index < 0 || d.Index >= len(out) || out[d.Index] != nil {
			return nil, fmt.Errorf("%w: the embeddings answer has a bad index %d", ai.ErrInvalidAnswer, d.Index)
		}
		if len(d.Embedding) != o.dims {
			return nil, fmt.Errorf("%w: the embeddings answer has %d dimensions, not %d", ai.ErrInvalidAnswer, len(d.Embedding), o.dims)
		}
		out[d.Index] = unit(d.Embedding)
	}
	for i, v := range out {
		if v == nil {
			return nil, fmt.Errorf("%w: the embeddings answer lacks text %d", ai.ErrInvalidAnswer, i)
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
