\version "2.24.0"
% A four-part choir without names: four staves with words, in a choir's clefs; E-flat major.
\header { title = "Motette" tagline = ##f }
words = \lyricmode { Al -- le -- lu -- ja, a -- men }
\score {
  \new ChoirStaff <<
    \new Staff { \key es \major \time 4/4 g'4 bes' as' g' | f'4 g'2. | }
    \addlyrics \words
    \new Staff { \key es \major es'4 es' es' es' | d'4 es'2. | }
    \addlyrics \words
    \new Staff { \clef "treble_8" \key es \major bes4 g c' bes | bes4 bes2. | }
    \addlyrics \words
    \new Staff { \clef bass \key es \major es4 es as, es | bes,4 es2. | }
    \addlyrics \words
  >>
}
