/** The API's refusal, announced to screen readers as it appears. */
export function ProblemAlert({ message }: { message: string | undefined }) {
  if (message === undefined) return null;
  return (
    <p className="problem" role="alert">
      {message}
    </p>
  );
}
