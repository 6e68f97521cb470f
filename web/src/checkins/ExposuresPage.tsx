// Placeholder until the page is built (this session).
export default function ExposuresPage() {
  return null;
}
