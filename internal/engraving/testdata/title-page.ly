\version "2.24.0"
% A title page: text only, no music.
\header { tagline = ##f }
\markup \column {
  \vspace #10
  \fill-line { \fontsize #8 "Sechs Klavierstücke" }
  \vspace #2
  \fill-line { \fontsize #4 "op. 118" }
  \vspace #4
  \fill-line { \fontsize #3 "Johannes Brahms" }
}
