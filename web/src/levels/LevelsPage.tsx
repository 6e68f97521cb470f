// Placeholder until the page is built (this session).
export default function LevelsPage() {
  return null;
}
