// Placeholder until the page is built (this session).
export default function VenuesPage() {
  return null;
}
