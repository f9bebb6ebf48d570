package metadata_test

import (
	"bytes"
	"context"
	"encoding/base64"
	"encoding/binary"
	"encoding/json"
	"errors"
	"hash/crc32"
	"image"
	"image/color"
	"image/jpeg"
	"image/png"
	"math/rand/v2"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/metadata"
)

// pagePNG is a white w×h greyscale page with a black title bar, like a rendered scan.
func pagePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewGray(image.Rect(0, 0, w, h))
	for i := range img.Pix {
		img.Pix[i] = 0xff
	}
	for y := h / 10; y < h/10+h/40; y++ {
		for x := w / 4; x < w*3/4; x++ {
			img.SetGray(x, y, color.Gray{})
		}
	}
	var buf bytes.Buffer
	require.NoError(t, png.Encode(&buf, img))
	return buf.Bytes()
}

// noisePNG is a w×h colour PNG of random pixels: it does not compress.
func noisePNG(t testing.TB, w, h int) []byte {
	t.Helper()
	img := image.NewRGBA(image.Rect(0, 0, w, h))
	r := rand.New(rand.NewPCG(1, 2))
	for i := range img.Pix {
		img.Pix[i] = byte(r.Uint32())
	}
	for i := 3; i < len(img.Pix); i += 4 {
		img.Pix[i] = 0xff
	}
	var buf bytes.Buffer
	require.NoError(t, (&png.Encoder{CompressionLevel: png.BestSpeed}).Encode(&buf, img))
	return buf.Bytes()
}

// userContent is the user message's content of a chat completions request: a string (text
// only) or its parts.
func userContent(t *testing.T, req map[string]any) any {
	t.Helper()
	msgs, ok := req["messages"].([]any)
	require.True(t, ok)
	require.Len(t, msgs, 2)
	user := msgs[1].(map[string]any)
	require.Equal(t, "user", user["role"])
	return user["content"]
}

// sentImage returns the image part's media type and decoded bytes, failing unless the
// request's user message is a text part followed by an image part.
func sentImage(t *testing.T, req map[string]any) (string, []byte) {
	t.Helper()
	parts, ok := userContent(t, req).([]any)
	require.True(t, ok, "the user message has content parts")
	require.Len(t, parts, 2)
	text := parts[0].(map[string]any)
	require.Equal(t, "text", text["type"])
	require.Contains(t, text["text"], "File name: ")
	require.Contains(t, text["text"], "The image of the first page is attached")
	img := parts[1].(map[string]any)
	require.Equal(t, "image_url", img["type"])
	u := img["image_url"].(map[string]any)
	require.Equal(t, "high", u["detail"])
	url := u["url"].(string)
	head, payload, ok := strings.Cut(url, ";base64,")
	require.True(t, ok, "a base64 data URL")
	require.True(t, strings.HasPrefix(head, "data:image/"), head)
	data, err := base64.StdEncoding.DecodeString(payload)
	require.NoError(t, err)
	return strings.TrimPrefix(head, "data:"), data
}

// requireTextOnly fails unless the request carries no image: the user message is text.
func requireTextOnly(t *testing.T, req map[string]any) {
	t.Helper()
	_, isText := userContent(t, req).(string)
	require.True(t, isText, "text only")
	raw, err := json.Marshal(req)
	require.NoError(t, err)
	require.NotContains(t, string(raw), "image_url")
}

const visionAnswer = `{"title":{"value":"Nocturne","confidence":0.93},"subtitle":{"value":null,"confidence":0},
	"composer":{"value":"Frédéric Chopin","confidence":0.95},"opus":{"value":"Op. 9 No. 2","confidence":0.9},
	"key":{"value":"E-flat major","confidence":0.85},"instrumentation":{"value":"piano","confidence":0.8}}`

// TestOpenAIVision: when the first page's text is thin and page 1's image is given, the
// image goes to the vision model as an image part of the user message, with the same
// structured-output schema; otherwise the request is the text-only one, to the text model.
func TestOpenAIVision(t *testing.T) {
	fake := aitest.New(t, "test-key")
	p := metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "test-key", Timeout: 10 * time.Second}, "text-model")
	p.VisionModel = "vision-model"
	page := pagePNG(t, 800, 1100)
	ctx := context.Background()
	last := func() map[string]any { reqs := fake.Requests(); return reqs[len(reqs)-1] }
	rich := "Klaviersonate Nr. 14 cis-Moll\nLudwig van Beethoven\nOp. 27 Nr. 2\nQuasi una fantasia\nAdagio sostenuto"

	t.Run("ThinTextSendsTheImage", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: visionAnswer})
		r, err := p.Extract(ctx, metadata.Input{Filename: "scan 00.pdf", Pages: 12, FirstPageText: " 3 \n ~~ ",
			FirstPageImage: page})
		require.NoError(t, err)
		for field, want := range map[string]string{"title": "Nocturne", "composer": "Frédéric Chopin",
			"opus": "Op. 9 No. 2", "key": "E-flat major", "instrumentation": "piano"} {
			require.Equal(t, want, r[field].Value, field)
			require.Equal(t, metadata.SourceAI, r[field].Source, field)
		}
		require.NotContains(t, r, "subtitle", "a null stays empty")
		require.True(t, p.WantsImage(metadata.Input{FirstPageText: " 3 \n ~~ "}))

		req := last()
		require.Equal(t, "vision-model", req["model"])
		mime, sent := sentImage(t, req)
		require.Equal(t, "image/png", mime)
		require.Equal(t, page, sent, "the PNG as given")
		format := req["response_format"].(map[string]any)
		require.Equal(t, "json_schema", format["type"])
		schema := format["json_schema"].(map[string]any)
		require.Equal(t, "score_metadata", schema["name"])
		require.Equal(t, true, schema["strict"])

		// The same schema as the text path's.
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: `{}`})
		_, err = p.Extract(ctx, metadata.Input{Filename: "sonata.pdf", FirstPageText: rich, FirstPageImage: page})
		require.NoError(t, err)
		require.Equal(t, format, last()["response_format"].(map[string]any))
	})
	t.Run("UnsureOCRSendsTheImage", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: visionAnswer})
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageText: rich,
			FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.41, FirstPageImage: page})
		require.NoError(t, err)
		_, sent := sentImage(t, last())
		require.Equal(t, page, sent)
		require.Contains(t, sentText(t, last()), "OCR, mean confidence 0.41", "the model knows how far to trust the text")
	})
	t.Run("RichTextKeepsTheTextPath", func(t *testing.T) {
		for name, in := range map[string]metadata.Input{
			"TextLayer": {Filename: "sonata.pdf", FirstPageText: rich, FirstPageImage: page},
			"SureOCR": {Filename: "sonata.pdf", FirstPageText: rich, FirstPageSource: metadata.SourceOCR,
				FirstPageConfidence: 0.91, FirstPageImage: page},
			"ThinTextNoImage": {Filename: "scan.pdf", FirstPageText: ""},
			"NotAnImage":      {Filename: "scan.pdf", FirstPageText: "", FirstPageImage: []byte("GIF89a not a PNG")},
		} {
			t.Run(name, func(t *testing.T) {
				fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: visionAnswer})
				r, err := p.Extract(ctx, in)
				require.NoError(t, err)
				require.Equal(t, "Frédéric Chopin", r["composer"].Value, "the answer is used")
				require.Equal(t, "text-model", last()["model"])
				requireTextOnly(t, last())
				require.Equal(t, in.ThinText(), p.WantsImage(in))
			})
		}
	})
	t.Run("VisionModelDefaultsToTheModel", func(t *testing.T) {
		one := metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "test-key"}, "text-model")
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: visionAnswer})
		_, err := one.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: page})
		require.NoError(t, err)
		require.Equal(t, "text-model", last()["model"])
		_, sent := sentImage(t, last())
		require.Equal(t, page, sent)
	})
	t.Run("429WithRetryAfter", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "7"})
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: page})
		var later *ai.RetryLater
		require.ErrorAs(t, err, &later)
		require.Equal(t, 7*time.Second, later.After)
		sentImage(t, last())
	})
	t.Run("500", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusInternalServerError})
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: page})
		require.Error(t, err)
		var later *ai.RetryLater
		require.False(t, errors.As(err, &later))
		require.NotErrorIs(t, err, metadata.ErrInvalidAnswer)
		sentImage(t, last())
	})
	t.Run("InvalidAnswer", func(t *testing.T) {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: `{"title": "unterminated`})
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: page})
		require.ErrorIs(t, err, metadata.ErrInvalidAnswer)
		sentImage(t, last())
	})
}

// sentText is the text part of a request with an image.
func sentText(t *testing.T, req map[string]any) string {
	t.Helper()
	parts := userContent(t, req).([]any)
	return parts[0].(map[string]any)["text"].(string)
}

// TestOpenAIVisionImageCap: an image over metadata.MaxImageBytes, or larger than
// metadata.MaxImageSide, is sent re-encoded as a JPEG within both; one that cannot be
// decoded within bounds is not sent (the text path is taken).
func TestOpenAIVisionImageCap(t *testing.T) {
	fake := aitest.New(t, "k")
	fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: visionAnswer})
	p := metadata.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k", Timeout: 30 * time.Second}, "m")
	ctx := context.Background()
	last := func() map[string]any { reqs := fake.Requests(); return reqs[len(reqs)-1] }
	jpegSize := func(t *testing.T, data []byte) (int, int) {
		cfg, err := jpeg.DecodeConfig(bytes.NewReader(data))
		require.NoError(t, err)
		return cfg.Width, cfg.Height
	}

	t.Run("OverTheByteCap", func(t *testing.T) {
		big := noisePNG(t, metadata.MaxImageSide, metadata.MaxImageSide*4/3)
		require.Greater(t, len(big), metadata.MaxImageBytes)
		_, err := p.Extract(ctx, metadata.Input{Filename: "photo.pdf", FirstPageImage: big})
		require.NoError(t, err)
		mime, sent := sentImage(t, last())
		require.Equal(t, "image/jpeg", mime)
		require.LessOrEqual(t, len(sent), metadata.MaxImageBytes)
		w, h := jpegSize(t, sent)
		require.LessOrEqual(t, max(w, h), metadata.MaxImageSide)
		require.InDelta(t, 0.75, float64(w)/float64(h), 0.01, "the page's proportions are kept")
	})
	t.Run("OverTheSideCap", func(t *testing.T) {
		wide := pagePNG(t, metadata.MaxImageSide*2, metadata.MaxImageSide/2)
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: wide})
		require.NoError(t, err)
		mime, sent := sentImage(t, last())
		require.Equal(t, "image/jpeg", mime)
		w, h := jpegSize(t, sent)
		require.Equal(t, []int{metadata.MaxImageSide, metadata.MaxImageSide / 4}, []int{w, h})
	})
	t.Run("TooLargeToDecode", func(t *testing.T) {
		// A PNG header that claims 20,000 × 20,000 pixels: not decoded, not sent.
		bomb := pagePNG(t, 1, 1)
		binary.BigEndian.PutUint32(bomb[16:], 20_000)
		binary.BigEndian.PutUint32(bomb[20:], 20_000)
		binary.BigEndian.PutUint32(bomb[29:], crc32.ChecksumIEEE(bomb[12:29])) // the IHDR chunk's checksum
		_, err := p.Extract(ctx, metadata.Input{Filename: "scan.pdf", FirstPageImage: bomb})
		require.NoError(t, err)
		requireTextOnly(t, last())
	})
}

// TestThinText: which first pages say too little to read a score from.
func TestThinText(t *testing.T) {
	for _, tc := range []struct {
		name string
		in   metadata.Input
		thin bool
	}{
		{"Empty", metadata.Input{}, true},
		{"StrayGlyphs", metadata.Input{FirstPageText: "3 4 \x01\x02 ♩ = 60 ff p < > 12 mf sf"}, true},
		{"TitleAndComposerOnly", metadata.Input{FirstPageText: "Nocturne\nF. Chopin\nOp. 9"}, true},
		{"TitlePage", metadata.Input{FirstPageText: "Nocturne in E-flat major\nFrédéric Chopin\nOp. 9 No. 2\nAndante\nPiano"}, false},
		{"SureOCR", metadata.Input{FirstPageText: "Nocturne in E-flat major\nFrédéric Chopin\nOp. 9 No. 2\nAndante\nPiano",
			FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.88}, false},
		{"UnsureOCR", metadata.Input{FirstPageText: "Nocturne in E-flat major\nFrédéric Chopin\nOp. 9 No. 2\nAndante\nPiano",
			FirstPageSource: metadata.SourceOCR, FirstPageConfidence: 0.35}, true},
		{"Cyrillic", metadata.Input{FirstPageText: "Времена года\nПётр Ильич Чайковский\nСоч. 37а\nЯнварь: У камелька"}, false},
	} {
		t.Run(tc.name, func(t *testing.T) {
			require.Equal(t, tc.thin, tc.in.ThinText())
		})
	}
}
