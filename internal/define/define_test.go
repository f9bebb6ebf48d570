package define_test

import (
	"context"
	"encoding/json"
	"errors"
	"net/http"
	"strings"
	"testing"
	"time"

	"github.com/stretchr/testify/require"

	"github.com/mirubato/mirubato/internal/ai"
	"github.com/mirubato/mirubato/internal/ai/aitest"
	"github.com/mirubato/mirubato/internal/define"
	"github.com/mirubato/mirubato/internal/glossary"
	"github.com/mirubato/mirubato/internal/store"
)

// Good answers, as a model would write them, used by tests here and in the pipeline.
func goodFrench() define.Answer {
	return define.Answer{Term: "crescendo", SourceLang: "it", Type: "dynamics", Definition: store.Definition{
		Concise:   "Augmentation progressive de l'intensité sonore.",
		Detailed:  "Le crescendo indique que le volume doit augmenter peu à peu sur un passage. Il est noté par l'abréviation cresc. ou par un soufflet ouvert sous la portée, et il s'oppose au decrescendo.",
		Etymology: "De l'italien crescere, « croître ».", Example: "Le crescendo des cordes mène au fortissimo final.",
		Pronunciation: store.Pronunciation{IPA: "/kreˈʃɛndo/", Syllables: "cre-SCEN-do"},
		Related:       []string{"decrescendo", "diminuendo"}, References: []string{"Grove Music Online"},
	}}
}

func TestAssess(t *testing.T) {
	good := goodFrench()
	q := define.Assess(define.Request{Term: "crescendo", Lang: "fr"}, good)
	require.InDelta(t, 1.0, q.Score, 1e-9, "%v", q.Issues)
	require.Empty(t, q.Issues)

	english := good
	english.Definition.Detailed = "The crescendo tells the players to grow louder over a passage. It is written as cresc. or as an opening hairpin under the staff, and it is the opposite of the decrescendo in the score."
	english.Definition.Concise = "A gradual increase in loudness of the music."
	english.Definition.Example = "The crescendo of the strings leads to the final fortissimo."
	q = define.Assess(define.Request{Term: "crescendo", Lang: "fr"}, english)
	require.LessOrEqual(t, q.Score, 0.4, "a definition in the wrong language is capped")
	require.Contains(t, strings.Join(q.Issues, "; "), "English, not French")
	q = define.Assess(define.Request{Term: "crescendo", Lang: "en"}, english)
	require.InDelta(t, 1.0, q.Score, 1e-9, "%v", q.Issues)

	long := good
	long.Definition.Concise = strings.Repeat("Augmentation de l'intensité. ", 10)
	long.Definition.Related = nil
	long.Definition.Pronunciation.IPA = "kreshendo"
	q = define.Assess(define.Request{Term: "crescendo", Lang: "fr"}, long)
	require.InDelta(t, 1-0.20-0.06-0.08, q.Score, 1e-9)
	require.Len(t, q.Issues, 3, "%v", q.Issues)
	require.Contains(t, q.Issues[0], "at most 200")

	refusal := good
	refusal.Definition.Detailed = "Je suis désolé, as an AI language model I cannot define this term for you, mais voici une tentative de la réponse."
	q = define.Assess(define.Request{Term: "crescendo", Lang: "fr"}, refusal)
	require.LessOrEqual(t, q.Score, 0.2)

	circular := good
	circular.Definition.Concise = "Crescendo."
	q = define.Assess(define.Request{Term: "crescendo", Lang: "fr"}, circular)
	require.Contains(t, q.Issues, "the concise definition only repeats the term")

	zh := define.Answer{Term: "crescendo", SourceLang: "it", Type: "dynamics", Definition: store.Definition{
		Concise:   "渐强：音量逐渐增强。",
		Detailed:  "渐强表示在一段音乐中音量要逐渐变大。乐谱上常写作cresc.或用开口的发夹记号表示，与渐弱相对。演奏时要控制好声音的变化，使乐句自然地走向高潮。",
		Etymology: "来自意大利语crescere，意为生长。", Example: "弦乐的渐强把音乐推向最后的强音。",
		Pronunciation: store.Pronunciation{IPA: "/kreˈʃɛndo/"}, Related: []string{"渐弱", "强"}, References: []string{"Grove"},
		Translation: "渐强",
	}}
	q = define.Assess(define.Request{Term: "crescendo", Lang: "zh-CN"}, zh)
	require.InDelta(t, 1.0, q.Score, 1e-9, "%v", q.Issues)
	q = define.Assess(define.Request{Term: "crescendo", Lang: "zh-TW"}, zh)
	require.LessOrEqual(t, q.Score, 0.4, "simplified characters for zh-TW")
	require.Contains(t, strings.Join(q.Issues, "; "), "simplified")
}

// The curated glossary passes the rubric it is held to.
func TestGlossaryQuality(t *testing.T) {
	g, err := glossary.Load()
	require.NoError(t, err)
	for _, e := range g.Entries() {
		q := define.Assess(define.Request{Term: e.Term, Lang: "en"}, define.FromGlossary(e))
		require.GreaterOrEqual(t, q.Score, 0.7, "%s: %v", e.Term, q.Issues)
	}
}

func TestLocal(t *testing.T) {
	g, err := glossary.Load()
	require.NoError(t, err)
	l := define.NewLocal(g)
	a, err := l.Define(context.Background(), define.Request{Term: "Allegro", Lang: "en"})
	require.NoError(t, err)
	require.Equal(t, "tempo", a.Type)
	require.NotEmpty(t, a.Definition.Concise)
	_, err = l.Define(context.Background(), define.Request{Term: "allegro", Lang: "fr"})
	require.ErrorIs(t, err, define.ErrCannotDefine)
	_, err = l.Define(context.Background(), define.Request{Term: "zzyzx", Lang: "en"})
	require.ErrorIs(t, err, define.ErrCannotDefine)
}

func answerJSON(t *testing.T, a define.Answer) string {
	t.Helper()
	d := a.Definition
	out, err := json.Marshal(map[string]any{"term": a.Term, "source_lang": a.SourceLang, "type": a.Type, "translation": d.Translation,
		"concise": d.Concise, "detailed": d.Detailed, "etymology": d.Etymology, "ipa": d.Pronunciation.IPA,
		"syllables": d.Pronunciation.Syllables, "example": d.Example, "related": d.Related, "references": d.References})
	require.NoError(t, err)
	return string(out)
}

func TestOpenAI(t *testing.T) {
	ctx := context.Background()
	fake := aitest.New(t, "k")
	c := define.NewOpenAI(ai.Config{BaseURL: fake.URL, APIKey: "k", Timeout: 5 * time.Second}, "chat-model")

	fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: answerJSON(t, goodFrench())})
	a, err := c.Define(ctx, define.Request{Term: "Crescendo", Lang: "fr", Issues: []string{"the etymology is missing"}})
	require.NoError(t, err)
	require.Equal(t, goodFrench(), a)
	req := fake.Requests()[0]
	require.Equal(t, "chat-model", req["model"])
	format := req["response_format"].(map[string]any)
	require.Equal(t, "json_schema", format["type"])
	schema := format["json_schema"].(map[string]any)
	require.Equal(t, true, schema["strict"])
	require.Len(t, schema["schema"].(map[string]any)["required"], 12)
	user := req["messages"].([]any)[1].(map[string]any)["content"].(string)
	require.Contains(t, user, "Target language: French")
	require.Contains(t, user, "the etymology is missing", "the rubric's issues go back to the model")

	renamed := goodFrench()
	renamed.Term = "decrescendo"
	fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: answerJSON(t, renamed)})
	a, err = c.Define(ctx, define.Request{Term: "crescendo", Lang: "fr"})
	require.NoError(t, err)
	require.Equal(t, "crescendo", a.Term, "the model may not rename the term")

	for name, content := range map[string]string{
		"not JSON":     `{"term": "crescendo", "conc`,
		"unknown type": strings.Replace(answerJSON(t, goodFrench()), `"dynamics"`, `"loudness"`, 1),
		"no concise":   strings.Replace(answerJSON(t, goodFrench()), `"Augmentation progressive de l'intensité sonore."`, `""`, 1),
	} {
		fake.SetReplies(aitest.Reply{Status: http.StatusOK, Content: content})
		_, err = c.Define(ctx, define.Request{Term: "crescendo", Lang: "fr"})
		require.ErrorIs(t, err, ai.ErrInvalidAnswer, name)
	}

	fake.SetReplies(aitest.Reply{Status: http.StatusTooManyRequests, RetryAfter: "12"})
	_, err = c.Define(ctx, define.Request{Term: "crescendo", Lang: "fr"})
	var later *ai.RetryLater
	require.ErrorAs(t, err, &later)
	require.Equal(t, 12*time.Second, later.After)

	fake.SetReplies(aitest.Reply{Status: http.StatusBadGateway})
	_, err = c.Define(ctx, define.Request{Term: "crescendo", Lang: "fr"})
	require.Equal(t, http.StatusBadGateway, ai.Status(err))
	require.False(t, errors.As(err, &later))
	require.NotErrorIs(t, err, ai.ErrInvalidAnswer)
}
