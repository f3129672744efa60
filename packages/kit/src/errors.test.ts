import { codedError, maskError } from './errors';

describe('maskError', () => {
  it('keeps the message and code of a coded error and drops everything else', () => {
    const error = codedError('NOT_FOUND', 'Customer not found', { extensions: { field: 'id' } });
    expect(
      maskError({
        message: error.message,
        path: ['customer'],
        extensions: { ...error.extensions, stacktrace: ['at x'], serviceName: 'accounts' },
      }),
    ).toEqual({
      message: 'Customer not found',
      path: ['customer'],
      extensions: { code: 'NOT_FOUND', field: 'id' },
    });
  });

  it('masks the message of an error Apollo Server coded INTERNAL_SERVER_ERROR itself', () => {
    expect(
      maskError({
        message: 'No metadata for "ActionToken" was found.',
        path: ['inviteContact'],
        extensions: { code: 'INTERNAL_SERVER_ERROR' },
      }),
    ).toEqual({
      message: 'Internal server error',
      path: ['inviteContact'],
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });

  it('replaces an uncoded error, such as a driver error with SQL text, by a generic one', () => {
    const masked = maskError({
      message: "ER_DUP_ENTRY: Duplicate entry 'a@b' for key 'uq_contacts_email' at 10.0.0.5:3306",
      extensions: { code: 'ER_DUP_ENTRY', stacktrace: ['at Query.run'] },
    });
    expect(masked).toEqual({
      message: 'Internal server error',
      extensions: { code: 'INTERNAL_SERVER_ERROR' },
    });
  });
});
